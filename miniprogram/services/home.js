// The home screen's sections, each loaded on its own so one missing service never blanks the page.
const catalog = require('./catalog')
const applications = require('./applications')
const appointments = require('./appointments')
const messages = require('./messages')
const { today } = require('../utils/date')

const silent = { silent: true }
const settle = (p) => p.then((value) => ({ ok: true, value }), () => ({ ok: false, value: null }))
const itemsOf = (r) => (r.ok && r.value ? (Array.isArray(r.value) ? r.value : r.value.items || []) : [])

// To-dos: corrections requested, payments due, appointments today.
function buildTodos({ cases, visits, day = today() }) {
  const todos = []
  ;(cases || []).forEach((a) => {
    if (a.status === 'needs_correction') {
      todos.push({ kind: 'correction', title: `${a.item_name || '办件'}需补正材料`, url: `/apply/form/index?id=${a.id}&code=${encodeURIComponent(a.item_code || '')}` })
    } else if (applications.actions(a).canPay) {
      todos.push({ kind: 'payment', title: `${a.item_name || '办件'}待缴费`, url: `/pay/pay/index?application_id=${a.id}` })
    }
  })
  ;(visits || []).filter((v) => v.date === day && v.status === 'booked').forEach((v) => {
    todos.push({ kind: 'appointment', title: `今天${appointments.timeRange(v)}到${(v.hall && v.hall.name) || '大厅'}办理`, url: `/appointments/ticket/index?id=${v.id}` })
  })
  return todos
}

async function load({ hotLimit = 8 } = {}) {
  const [hot, bundles, cases, visits, inbox] = await Promise.all([
    settle(catalog.searchItems({ limit: hotLimit, mobile: true }, silent)),
    settle(catalog.bundles({}, silent)),
    settle(applications.list({ limit: 50 }, silent)),
    settle(appointments.list({ status: 'booked' }, silent)),
    settle(messages.list({ unread: true, limit: 3 }, silent)),
  ])
  return {
    hot: itemsOf(hot).slice(0, hotLimit),
    bundles: itemsOf(bundles),
    todos: buildTodos({ cases: itemsOf(cases), visits: itemsOf(visits) }),
    unread: inbox.ok && inbox.value ? inbox.value.unread || 0 : 0,
    latest: itemsOf(inbox),
    failed: [hot, bundles, cases, visits, inbox].filter((r) => !r.ok).length,
  }
}

module.exports = { load, buildTodos }
