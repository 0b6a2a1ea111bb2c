import { get, post, del } from './request'

import { uploadFile } from './applications'

// { items: [item codes] (none = every item), days } → { ticket, payload: 'SJT1:D:…', qr_png, expires_in }
export const requestDelegation = (body = {}) => post('delegations/request', body)
export const previewDelegation = (ticket) => get(`delegations/requests/${encodeURIComponent(ticket)}`)
export const confirmDelegation = (ticket) => post(`delegations/${encodeURIComponent(ticket)}/confirm`, {})
// Offline consent: the signed form is uploaded as a file, the resident gets an SMS code, the agent types it.
export async function startOfflineDelegation({ name, id_number, phone, items, days }, photo) {
  const file = await uploadFile(photo)
  return post('delegations/offline', { name, id_number, phone, items, days, form_file_id: file.id })
}
export const verifyOfflineDelegation = (pendingId, code) => post(`delegations/offline/${encodeURIComponent(pendingId)}/verify`, { code })
export const listDelegations = (opts = {}) => get('delegations', {}, opts)
export const revokeDelegation = (id) => del(`delegations/${id}`)
