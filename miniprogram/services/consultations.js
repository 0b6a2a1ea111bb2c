// 咨询投诉: ask a question or complain (about an item or a case), see the answer, rate it.
const { endpoint } = require('../utils/api')

const api = {
  list: endpoint('GET', '/consultations'), // {status, cursor, limit} → {items: [{id, kind, title, status, answer, deadline, overdue, rating}]}
  create: endpoint('POST', '/consultations'), // {kind: consultation|complaint, title, content, item_code?, application_id?}
  get: endpoint('GET', '/consultations/{id}'),
  rate: endpoint('POST', '/consultations/{id}/rating'), // {score 1..5} once answered
}

const KINDS = [
  { value: 'consultation', label: '咨询' },
  { value: 'complaint', label: '投诉' },
]

module.exports = { ...api, KINDS }
