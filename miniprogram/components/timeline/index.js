// A case's progress: newest first, the current step highlighted; tap a step to see its note.
const { formatDateTime } = require('../../utils/date')

Component({
  properties: {
    events: { type: Array, value: [] },
    elder: { type: Boolean, value: false },
  },
  data: { rows: [], open: -1 },
  observers: {
    events(events) {
      const rows = (events || []).slice().sort((a, b) => String(b.at || b.created_at || '').localeCompare(String(a.at || a.created_at || '')))
        .map((e, i) => ({
          title: e.label || e.title || e.status || '',
          actor: e.actor_name || e.actor || '',
          onBehalf: e.on_behalf_of_name || '',
          note: e.note || '',
          time: formatDateTime(e.at || e.created_at),
          current: i === 0,
        }))
      this.setData({ rows, open: -1 })
    },
  },
  methods: {
    onTap(e) {
      const index = Number(e.currentTarget.dataset.index)
      this.setData({ open: this.data.open === index ? -1 : index })
      this.triggerEvent('select', { index, event: this.data.rows[index] })
    },
  },
})
