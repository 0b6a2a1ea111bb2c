// The licence wallet (电子证照): list, detail, 亮证, verification log, grants.
const { endpoint } = require('../utils/api')

const api = {
  list: endpoint('GET', '/wallet/licenses'),
  get: endpoint('GET', '/wallet/licenses/{id}'),
  show: endpoint('POST', '/wallet/licenses/{id}/show'), // → {payload, expires_at}
  verifications: endpoint('GET', '/wallet/licenses/{id}/verifications'),
  grants: endpoint('GET', '/wallet/licenses/{id}/grants'),
  grant: endpoint('POST', '/wallet/licenses/{id}/grants'), // {grantee, purpose, expires_at}
  revokeGrant: endpoint('DELETE', '/wallet/grants/{id}'),
}

const STATUS = { valid: '有效', suspended: '已暂停', revoked: '已撤销', expired: '已过期' }

// Wallet licences that can stand in for a material (免提交).
function matchingLicences(licences, material) {
  if (!material || !material.license_type) return []
  return (licences || []).filter((l) => l.type === material.license_type && (l.status || 'valid') === 'valid')
}

module.exports = { ...api, STATUS, statusLabel: (s) => STATUS[s] || s, matchingLicences }
