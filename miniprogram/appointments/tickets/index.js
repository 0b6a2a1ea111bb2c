const appointments = require('../../services/appointments')
const elder = require('../../utils/elder')
const { formatDateTime } = require('../../utils/date')

const shape = (a) => ({
  ...a,
  statusText: appointments.statusLabel(a.status),
  itemName: (a.item && a.item.name) || '',
  hallName: (a.hall && a.hall.name) || '',
  time: appointments.timeRange(a),
})

// Waitlist entries still in play: waiting (with the position) or offered (confirm before it expires).
const shapeEntry = (w) => ({
  ...w,
  statusText: appointments.WAITLIST[w.status] || w.status,
  offerUntil: w.status === 'offered' ? formatDateTime(w.offer_expires_at) : '',
})

Page({
  data: { elder: false, items: [], waitlist: [], loading: false },
  onShow() {
    elder.apply(this)
    return this.refresh()
  },
  async refresh() {
    this.setData({ loading: true })
    try {
      const [res, wl] = await Promise.all([
        appointments.list({}),
        appointments.waitlistEntries({}, { silent: true }).catch(() => ({ items: [] })),
      ])
      this.setData({
        items: (res.items || []).map(shape),
        waitlist: (wl.items || []).filter((w) => w.status === 'waiting' || w.status === 'offered').map(shapeEntry),
      })
    } finally {
      this.setData({ loading: false })
    }
  },
  // An offered place becomes a booked appointment; its ticket opens.
  async onConfirmWaitlist(e) {
    try {
      const appointment = await appointments.confirmWaitlist({ id: e.currentTarget.dataset.id }, { body: {} })
      wx.navigateTo({ url: `/appointments/ticket/index?id=${appointment.id}` })
      return appointment
    } catch (err) {
      await this.refresh() // expired meanwhile: the list says so
      return null
    }
  },
  async onCancelWaitlist(e) {
    await appointments.cancelWaitlist({ id: e.currentTarget.dataset.id }, { body: {} })
    wx.showToast({ title: '已取消候补', icon: 'success' })
    return this.refresh()
  },
  onOpen(e) {
    wx.navigateTo({ url: `/appointments/ticket/index?id=${e.currentTarget.dataset.id}` })
  },
})
