import { get, post, del } from './request'

export const listLicenses = (params = {}) => get('wallet/licenses', params)
export const getLicense = (id) => get(`wallet/licenses/${id}`)
export const showLicense = (id, body = {}) => post(`wallet/licenses/${id}/show`, body)
export const listVerifications = (id, params = {}) => get(`wallet/licenses/${id}/verifications`, params)
export const listGrants = (id) => get(`wallet/licenses/${id}/grants`)
export const createGrant = (id, body) => post(`wallet/licenses/${id}/grants`, body)
export const revokeGrant = (grantId) => del(`wallet/grants/${grantId}`)
export const verifyLicense = (payload) => post('licenses/verify', { payload })
