import { get, post, del } from './request'

export const listLicenses = (params = {}) => get('wallet/licenses', params)
export const getLicense = (id) => get(`wallet/licenses/${id}`)
// → { payload: 'SJT1:L:…', qr_png_base64, purpose, expires_at, ttl }
export const showLicense = (id, purpose = 'validity') => post(`wallet/licenses/${id}/show`, { purpose })
export const listVerifications = (id, params = {}) => get(`wallet/licenses/${id}/verifications`, params)
export const listGrants = (id) => get(`wallet/licenses/${id}/grants`)
export const createGrant = (id, body) => post(`wallet/licenses/${id}/grants`, body)
export const revokeGrant = (grantId) => del(`wallet/grants/${grantId}`)
// 200 { valid, reason, message, licence } for good and bad codes alike
export const verifyLicense = (payload, purpose) => post('licenses/verify', { payload, purpose })
