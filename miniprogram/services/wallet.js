// The licence wallet (电子证照): list, detail, 亮证, verification log, grants.
const { endpoint } = require('../utils/api')

const api = {
  list: endpoint('GET', '/wallet/licenses'), // → {items: [{id, type, type_name, identifier, holder, issuer_name, status, status_label, valid_until, fields}]}
  get: endpoint('GET', '/wallet/licenses/{id}'), // + fields [{key, label, value, sensitive}], seal, public_url
  show: endpoint('POST', '/wallet/licenses/{id}/show'), // {purpose} → {payload 'SJT1:L:…', expires_at, ttl, qr_png_base64}
  verifications: endpoint('GET', '/wallet/licenses/{id}/verifications'), // → {items: [{verifier_name, organisation, purpose, result, channel, created_at}]}
  grants: endpoint('GET', '/wallet/licenses/{id}/grants'), // → {items: [{grantee_name, purpose, until, state, uses}]}
  grant: endpoint('POST', '/wallet/licenses/{id}/grants'), // {grantee_name, purpose, until} → + access_code (shown once)
  revokeGrant: endpoint('DELETE', '/wallet/grants/{id}'),
}

const STATUS = { valid: '有效', suspended: '已暂停', revoked: '已撤销', expired: '已过期' }
// The API's purposes (GET licenses/types lists them too): what a verifier may see depends on it.
const PURPOSES = [
  { value: 'government_service', label: '办理政务服务' },
  { value: 'validity', label: '核验证照真伪及有效期' },
  { value: 'identity', label: '核验持证人身份' },
  { value: 'business', label: '商务合作/开户' },
  { value: 'employment', label: '入职/用工登记' },
  { value: 'lodging', label: '住宿登记' },
  { value: 'traffic', label: '交通出行/执法检查' },
  { value: 'social_service', label: '社会保障/救助服务' },
]
const purposeLabel = (v) => (PURPOSES.find((p) => p.value === v) || { label: v }).label
const GRANT_STATE = { active: '有效', revoked: '已撤销', expired: '已过期' }

// Wallet licences that can stand in for a material (免提交).
function matchingLicences(licences, material) {
  if (!material || !material.license_type) return []
  return (licences || []).filter((l) => l.type === material.license_type && (l.status || 'valid') === 'valid')
}

module.exports = { ...api, STATUS, PURPOSES, GRANT_STATE, purposeLabel, statusLabel: (s) => STATUS[s] || s, matchingLicences }
