import { request, get, post, del } from './request'

export const requestDelegation = (body = {}) => post('delegations/request', body)
export const confirmDelegation = (ticket, body = {}) => post(`delegations/${encodeURIComponent(ticket)}/confirm`, body)
export function offlineDelegation(fields, photo) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) form.append(k, v)
  if (photo) form.append('consent_photo', photo)
  return request('POST', 'delegations/offline', { form })
}
export const listDelegations = (params = {}, opts = {}) => get('delegations', params, opts)
export const revokeDelegation = (id) => del(`delegations/${id}`)
