import { request, get, post } from './request'

export const wechatLogin = (code) => post('auth/wechat/login', { code }, { auth: false, headers: { 'X-Device': 'h5' } })
export const passwordLogin = (username, password) => post('auth/password/login', { username, password }, { auth: false })
export const logout = (refresh_token) => post('auth/logout', { refresh_token }, { silent: true })
export const createQrTicket = () => post('auth/qr', {}, { auth: false, silent: true, headers: { 'X-Device': 'h5-browser' } })
// Long-poll: answers at once when the state differs from `state` (what the page already shows).
export const pollQrTicket = (ticket, { pollToken, state = 'pending', wait = 25, signal } = {}) =>
  get(`auth/qr/${encodeURIComponent(ticket)}`, { poll_token: pollToken, state, wait }, { auth: false, silent: true, signal })
export const scanQrTicket = (ticket) => post(`auth/qr/${encodeURIComponent(ticket)}/scan`, {})
export const confirmQrTicket = (ticket) => post(`auth/qr/${encodeURIComponent(ticket)}/confirm`, {})
export const cancelQrTicket = (ticket) => post(`auth/qr/${encodeURIComponent(ticket)}/cancel`, {})
export const me = () => get('me')
// { name, id_number } → the account, plus `claimed` and new `tokens` when an agent-created account was claimed.
export const submitRealName = (body) => post('me/real-name', body)

// Embedded mode only: what wx.login would hand the mini-program (WeChat simulator dev helper).
export const devLoginCode = (openid) => request('POST', '/wechat-sim/dev/login-code', { body: { openid }, auth: false })
export async function isEmbeddedMode() {
  try {
    const res = await fetch('/wechat-sim/dev/sms', { headers: { Accept: 'application/json' } })
    return res.ok
  } catch {
    return false
  }
}
