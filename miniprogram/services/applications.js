// Cases (办件): drafts, submit, withdraw, timeline, rating, delivery, public progress.
const { endpoint } = require('../utils/api')

const api = {
  // {item_code | bundle_code, form, materials: {code: {file_ids} | {license_id}}} → {group_id, items}
  create: endpoint('POST', '/applications'),
  list: endpoint('GET', '/applications'), // {status, cursor, limit}
  get: endpoint('GET', '/applications/{id}'), // with timeline [{action, label, at, note, from_status, to_status}] and corrections [{material_code | field, name, reason}]
  update: endpoint('PATCH', '/applications/{id}'), // {form, materials} of a draft or a case needing correction
  submit: endpoint('POST', '/applications/{id}/submit'),
  withdraw: endpoint('POST', '/applications/{id}/withdraw'), // {reason}
  evaluate: endpoint('POST', '/applications/{id}/evaluation'), // {score 1..5, comment, aspects} once, after completion
  evaluation: endpoint('GET', '/applications/{id}/evaluation'), // → {evaluations: [{kind: initial|supplement, score, score_label, comment}], rectifications}
  supplement: endpoint('POST', '/applications/{id}/evaluation/supplement'), // 追评, once
  // 寄递 (branch issue4rest): {method: pickup|mail, hall_code?, address: {recipient, phone, region_code, detail}}
  // → {method, status, status_label, changeable, hall_name, pickup_code, address (masked), courier, tracking_no, events}
  delivery: endpoint('POST', '/applications/{id}/delivery'),
  getDelivery: endpoint('GET', '/applications/{id}/delivery'), // 404 until a method is chosen
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

// 好差评 aspects the API knows (EvaluationIn.aspects).
const ASPECTS = [
  { value: 'guidance_clear', label: '指南清晰' },
  { value: 'procedure_easy', label: '流程简便' },
  { value: 'fewer_materials', label: '材料减少' },
  { value: 'friendly_ui', label: '界面友好' },
]

const statusLabel = (status) => STATUS[status] || status
const PAYABLE = ['accepted', 'approved'] // the API's fee_due: after acceptance, before completion

const DELIVERY_OPEN = ['submitted', 'needs_correction', 'accepted', 'approved', 'completed']

// What the applicant may do now; `evaluations` is GET applications/{id}/evaluation's list,
// `delivery` GET applications/{id}/delivery's answer (null before a choice).
function actions(app, { evaluations = [], deliverable = false, delivery = null } = {}) {
  const s = app.status
  const kinds = evaluations.map((e) => e.kind)
  return {
    canEdit: s === 'draft' || s === 'needs_correction',
    canWithdraw: s === 'submitted' || s === 'needs_correction' || s === 'draft',
    canRate: s === 'completed' && !kinds.includes('initial'),
    canSupplement: s === 'completed' && kinds.includes('initial') && !kinds.includes('supplement'),
    canChooseDelivery: Boolean(deliverable) && DELIVERY_OPEN.includes(s) && (!delivery || Boolean(delivery.changeable)),
    canPay: Boolean(app.fee_fen > 0 && !app.paid && PAYABLE.includes(s)),
  }
}

module.exports = { ...api, STATUS, RATINGS, ASPECTS, statusLabel, actions }
