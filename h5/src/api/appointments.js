import { get, post, newIdempotencyKey } from './request'

export const listSlots = (hallId, params) => get(`halls/${hallId}/slots`, params)
export const bookAppointment = (body, key = newIdempotencyKey()) => post('appointments', body, { idempotencyKey: key })
export const listAppointments = (params = {}, opts = {}) => get('appointments', params, opts)
export const getAppointment = (id) => get(`appointments/${id}`)
export const cancelAppointment = (id) => post(`appointments/${id}/cancel`, {})
