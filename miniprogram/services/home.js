// The home screen's sections, each loaded on its own so one missing service never blanks the page.
const catalog = require('./catalog')
const applications = require('./applications')
const appointments = require('./appointments')
const messages = require('./messages')
const { today } = require('../utils/date')

const silent = { silent: true }
const settle = (p) => p.then((value) => ({ ok: true, value }), () => ({ ok: false, value: null }))

// To-dos: corrections requested, payments due, appointments today.
function buildTodos({ corrections, unpaid, visits }) {
  const todos = []
  ;(corrections || []).forEach((a) => todos.push({ kind: 'correction', title: `${a.item_name || '办件'}需补正材料`, url: `/apply/form/index?id=${a.id}&code=${a.item_code || ''}` }))
  ;(unpaid || []).forEach((a) => todos.push({ kind: 'payment', title: `${a.item_name || '办件'}待缴费`, url: `/pay/pay/index?application_id=${a.id}` }))
  ;(visits || []).forEach((v) => todos.push({ kind: 'appointment', title: `今天${v.start || ''}到${v.hall_name || '大厅'}办理`, url: `/appointments/ticket/index?id=${v.id}` }))
  return todos
}

async function load({ hotLimit = 8 } = {}) {
  const [hot, topics, corrections, unpaid, visits, inbox] = await Promise.all([
    settle(catalog.searchItems({ limit: hotLimit }, silent)),
    settle(catalog.topics({}, silent)),
    settle(applications.list({ status: 'needs_correction' }, silent)),
    settle(applications.list({ payment: 'due' }, silent)),
    settle(appointments.list({ date: today(), status: 'booked' }, silent)),
    settle(messages.list({ unread: true, limit: 3 }, silent)),
  ])
  const items = (r) => (r.ok && r.value ? (Array.isArray(r.value) ? r.value : r.value.items || []) : [])
  return {
    hot: items(hot).slice(0, hotLimit),
    bundles: items(topics),
    todos: buildTodos({ corrections: items(corrections), unpaid: items(unpaid), visits: items(visits) }),
    unread: inbox.ok && inbox.value ? inbox.value.unread || 0 : 0,
    latest: items(inbox),
    failed: [hot, topics, corrections, unpaid, visits, inbox].filter((r) => !r.ok).length,
  }
}

module.exports = { load, buildTodos }
