const appointments = require('../../services/appointments')
const elder = require('../../utils/elder')

const shape = (a) => ({
  ...a,
  statusText: appointments.statusLabel(a.status),
  itemName: (a.item && a.item.name) || '',
  hallName: (a.hall && a.hall.name) || '',
  time: appointments.timeRange(a),
})

Page({
  data: { elder: false, items: [], loading: false },
  async onShow() {
    elder.apply(this)
    this.setData({ loading: true })
    try {
      const res = await appointments.list({})
      this.setData({ items: (res.items || []).map(shape) })
    } finally {
      this.setData({ loading: false })
    }
  },
  onOpen(e) {
    wx.navigateTo({ url: `/appointments/ticket/index?id=${e.currentTarget.dataset.id}` })
  },
})
