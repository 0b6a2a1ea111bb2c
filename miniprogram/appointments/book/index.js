// item → hall → date → slot (remaining seats / waitlist) → book.
const catalog = require('../../services/catalog')
const appointments = require('../../services/appointments')
const subscribe = require('../../utils/subscribe')
const elder = require('../../utils/elder')
const { nextDays } = require('../../utils/date')
const { randomKey } = require('../../utils/ids')

Page({
  data: { elder: false, code: '', item: null, halls: [], hallIndex: -1, days: [], date: '', slots: [], slotId: '', slotTime: '', busy: false },
  async onLoad(query) {
    const code = decodeURIComponent(query.code || '')
    this.bookingKey = randomKey()
    const item = await catalog.getItem({ code })
    const res = await catalog.halls({ item: code })
    const halls = Array.isArray(res) ? res : res.items || []
    this.setData({ code, item, halls, days: nextDays(elder.limit(14, 7)) })
    if (halls.length === 1) await this.chooseHall(0)
  },
  onShow() {
    elder.apply(this)
  },
  onHall(e) {
    return this.chooseHall(Number(e.currentTarget.dataset.index))
  },
  async chooseHall(index) {
    this.setData({ hallIndex: index, slots: [], slotId: '' })
    return this.chooseDate(this.data.date || this.data.days[0].date)
  },
  onDate(e) {
    return this.chooseDate(e.currentTarget.dataset.date)
  },
  async chooseDate(date) {
    const hall = this.data.halls[this.data.hallIndex]
    this.setData({ date, slots: [], slotId: '' })
    const res = await appointments.slots({ hall_id: hall.id, item: this.data.code, date })
    this.setData({ slots: Array.isArray(res) ? res : res.items || [] })
  },
  onSlot(e) {
    this.setData({ slotId: e.detail.slotId, slotTime: e.detail.time })
  },
  onWaitlist(e) {
    wx.showModal({
      title: '该时段已约满',
      content: `是否登记${e.detail.time}的候补？有人取消时将按顺序通知您。`,
      success: (res) => { if (res.confirm) this.joinWaitlist(e.detail.slotId) },
    })
  },
  async joinWaitlist(slotId) {
    await subscribe.ask('book')
    const hall = this.data.halls[this.data.hallIndex]
    const entry = await appointments.waitlist({ hall_id: hall.id, slot_id: slotId, item_code: this.data.code })
    wx.showModal({ title: '已登记候补', content: `您排在第${entry.position}位，有空位时会通知您确认。`, showCancel: false })
    return entry
  },
  onConfirm() {
    if (!this.data.slotId) {
      wx.showToast({ title: '请选择时段', icon: 'none' })
      return null
    }
    return this.book(this.data.slotId)
  },
  async book(slotId) {
    await subscribe.ask('book')
    this.setData({ busy: true })
    try {
      const hall = this.data.halls[this.data.hallIndex]
      const body = { hall_id: hall.id, item_code: this.data.code, slot_id: slotId }
      const ticket = await appointments.book(body, this.bookingKey)
      this.bookingKey = randomKey()
      wx.redirectTo({ url: `/appointments/ticket/index?id=${ticket.id}` })
      return ticket
    } catch (e) {
      // A lost response may be retried under the same key; an answered refusal gets a new one.
      if (e.status) this.bookingKey = randomKey()
      if (e.code === 'SLOT_FULL') await this.chooseDate(this.data.date)
      return null
    } finally {
      this.setData({ busy: false })
    }
  },
})
