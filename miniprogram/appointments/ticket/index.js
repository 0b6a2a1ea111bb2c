// A ticket: the SJT1:A: check-in code, when and where, what to bring, cancel.
const appointments = require('../../services/appointments')
const catalog = require('../../services/catalog')
const elder = require('../../utils/elder')

Page({
  data: { elder: false, id: '', ticket: null, statusText: '', bring: [], canCancel: false },
  onLoad(query) {
    this.setData({ id: query.id })
    return this.refresh()
  },
  onShow() {
    elder.apply(this)
  },
  async refresh() {
    const ticket = await appointments.get({ id: this.data.id })
    let bring = ticket.bring || []
    if (!bring.length && ticket.item_code) {
      try {
        const item = await catalog.getItem({ code: ticket.item_code }, { silent: true })
        bring = (item.materials || []).filter((m) => m.required).map((m) => m.name)
      } catch (e) { /* the guide is optional here */ }
    }
    this.setData({ ticket, bring, statusText: appointments.statusLabel(ticket.status), canCancel: ticket.status === 'booked' || ticket.status === 'waitlisted' })
  },
  onCancel() {
    wx.showModal({
      title: '取消预约',
      content: '确定取消这个预约吗？多次爽约会暂停预约资格，不能前往请提前取消。',
      success: async (res) => {
        if (!res.confirm) return
        await appointments.cancel({ id: this.data.id })
        wx.showToast({ title: '已取消', icon: 'success' })
        await this.refresh()
      },
    })
  },
})
