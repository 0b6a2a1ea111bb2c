// A ticket: the SJT1:A: check-in code, when and where, what to bring, cancel.
const appointments = require('../../services/appointments')
const elder = require('../../utils/elder')

Page({
  data: { elder: false, id: '', ticket: null, payload: '', time: '', statusText: '', bring: [], canCancel: false },
  onLoad(query) {
    this.setData({ id: query.id })
    return this.refresh()
  },
  onShow() {
    elder.apply(this)
  },
  async refresh() {
    const ticket = await appointments.get({ id: this.data.id })
    const bring = (ticket.materials || []).filter((m) => m.required).map((m) => `${m.name}（${m.original === 'original' ? '原件' : m.original === 'both' ? '原件及复印件' : '复印件'}${m.copies > 1 ? ` ${m.copies}份` : ''}）`)
    this.setData({
      ticket,
      bring,
      payload: (ticket.ticket && ticket.ticket.payload) || '',
      time: appointments.timeRange(ticket),
      statusText: appointments.statusLabel(ticket.status),
      canCancel: appointments.cancellable(ticket),
    })
  },
  onCancel() {
    wx.showModal({
      title: '取消预约',
      content: '确定取消这个预约吗？多次爽约会暂停预约资格，不能前往请提前取消。',
      success: async (res) => {
        if (!res.confirm) return
        await appointments.cancel({ id: this.data.id }, { body: {} })
        wx.showToast({ title: '已取消', icon: 'success' })
        await this.refresh()
      },
    })
  },
  onCall() {
    if (this.data.ticket.hall && this.data.ticket.hall.phone) wx.makePhoneCall({ phoneNumber: this.data.ticket.hall.phone })
  },
})
