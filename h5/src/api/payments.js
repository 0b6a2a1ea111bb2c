import { request, get, post, newIdempotencyKey } from './request'

export const createPayment = (body, key = newIdempotencyKey()) => post('payments', body, { idempotencyKey: key })
export const getPayment = (id) => get(`payments/${id}`)
export const refundPayment = (id, body = {}) => post(`payments/${id}/refund`, body)
// Embedded mode only: the simulated payer pays a Native code_url.
export const devPay = (code_url) => request('POST', '/wechat-sim/dev/pay', { body: { code_url }, auth: false })
