// Time slots of one hall on one day: remaining seats, full slots offer the waitlist.
const { timeRange } = require('../../services/appointments')

Component({
  properties: {
    slots: { type: Array, value: [] },
    selected: { type: String, value: '' },
    waitlist: { type: Boolean, value: true },
    elder: { type: Boolean, value: false },
  },
  data: { rows: [] },
  observers: {
    'slots, selected, waitlist'(slots, selected, waitlist) {
      const rows = (slots || []).map((s) => {
        const remaining = Math.max(0, (s.remaining !== undefined ? s.remaining : (s.capacity || 0) - (s.booked || 0)))
        const full = remaining === 0
        // not bookable while seats remain: passed, closed or outside the booking window
        const past = Boolean(s.past || s.closed || (s.bookable === false && !full))
        return {
          id: s.id,
          time: timeRange(s),
          remaining,
          full,
          past,
          selected: s.id === selected,
          label: past ? '已结束' : full ? (waitlist ? '已满 · 可候补' : '已约满') : `余${remaining}`,
        }
      })
      this.setData({ rows })
    },
  },
  methods: {
    onTap(e) {
      const row = this.data.rows[Number(e.currentTarget.dataset.index)]
      if (!row || row.past) return
      if (row.full) {
        if (this.data.waitlist) this.triggerEvent('waitlist', { slotId: row.id, time: row.time })
        return
      }
      this.setData({ selected: row.id })
      this.triggerEvent('change', { slotId: row.id, time: row.time, remaining: row.remaining })
    },
  },
})
