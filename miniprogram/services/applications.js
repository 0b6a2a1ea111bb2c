// Cases (办件): drafts, submit, withdraw, timeline, rating, delivery, public progress.
const { endpoint } = require('../utils/api')

const api = {
  // {item_code | bundle_code, form, materials: {code: {file_ids} | {license_id}}} → {group_id, items}
  create: endpoint('POST', '/applications'),
  list: endpoint('GET', '/applications'), // {status, cursor, limit}
  get: endpoint('GET', '/applications/{id}'), // with timeline and corrections
  update: endpoint('PATCH', '/applications/{id}'), // {form, materials} of a draft or a case needing correction
  submit: endpoint('POST', '/applications/{id}/submit'),
  withdraw: endpoint('POST', '/applications/{id}/withdraw'), // {reason}
  evaluate: endpoint('POST', '/applications/{id}/evaluation'), // {score 1..5, comment}
  delivery: endpoint('POST', '/applications/{id}/delivery'), // {method: pickup|mail, address}
  progress: endpoint('GET', '/progress', { auth: false }), // {receipt_no, query_code}
}

const STATUS = {
  draft: '草稿',
  submitted: '已提交',
  needs_correction: '待补正',
  accepted: '已受理',
  approved: '已批准',
  rejected: '未通过',
  completed: '已办结',
  withdrawn: '已撤回',
  not_accepted: '不予受理',
}

const RATINGS = [
  { score: 5, label: '非常满意' },
  { score: 4, label: '满意' },
  { score: 3, label: '基本满意' },
  { score: 2, label: '不满意' },
  { score: 1, label: '非常不满意' },
]

const statusLabel = (status) => STATUS[status] || status
const PAYABLE = ['accepted', 'approved', 'completed']

// What the applicant may do now.
function actions(app) {
  const s = app.status
  return {
    canEdit: s === 'draft' || s === 'needs_correction',
    canWithdraw: s === 'submitted' || s === 'needs_correction' || s === 'draft',
    canRate: s === 'completed' && !app.evaluation,
    canChooseDelivery: Boolean(app.deliverable) && ['approved', 'completed'].includes(s) && !app.delivery,
    canPay: app.payment ? app.payment.status === 'created' : Boolean(app.fee_fen > 0 && !app.paid && PAYABLE.includes(s)),
  }
}

module.exports = { ...api, STATUS, RATINGS, statusLabel, actions }
