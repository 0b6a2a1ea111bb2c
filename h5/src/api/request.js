// The one HTTP module: bearer token, one refresh-and-retry on 401, error envelope → Chinese toast.
import { showToast } from 'vant'

export const API_BASE = '/api/v1/'

export class ApiError extends Error {
  constructor({ status, code, message, details = null, retryAfter = null }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter
  }
}

const FALLBACK = {
  0: '网络连接失败，请检查网络后重试',
  400: '请求有误，请检查填写内容',
  401: '登录已过期，请重新登录',
  403: '没有权限进行此操作',
  404: '要找的内容不存在',
  409: '当前状态不允许此操作',
  413: '文件太大',
  422: '填写内容有误，请检查',
  429: '操作太频繁，请稍后再试',
  500: '服务繁忙，请稍后再试',
}

export function messageFor(status, envelope) {
  const err = envelope && envelope.error
  if (err && err.message) return err.message
  if (status >= 500) return FALLBACK[500]
  return FALLBACK[status] || `请求失败（${status}）`
}

// The auth store plugs in here (avoids a store ↔ request import cycle).
const bridge = {
  getTokens: () => ({ access: null, refresh: null }),
  setTokens: () => {},
  onExpired: () => {},
  getOnBehalfOf: () => null,
}
export function configureAuth(hooks) {
  Object.assign(bridge, hooks)
}

let refreshing = null
async function doRefresh(refresh) {
  try {
    const res = await fetch(API_BASE + 'auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ refresh_token: refresh }),
    })
    if (!res.ok) return false
    const data = await res.json()
    bridge.setTokens({ access: data.access_token, refresh: data.refresh_token || refresh })
    return true
  } catch {
    return false
  }
}
// One refresh in flight at a time; callers that hit 401 meanwhile share its result.
function refreshOnce() {
  const { refresh } = bridge.getTokens()
  if (!refresh) return Promise.resolve(false)
  if (!refreshing) refreshing = doRefresh(refresh).finally(() => { refreshing = null })
  return refreshing
}

function buildUrl(path, query) {
  const base = /^(https?:)?\//.test(path) ? path : API_BASE + path.replace(/^\//, '')
  if (!query) return base
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.append(k, String(v))
  }
  const s = qs.toString()
  return s ? `${base}${base.includes('?') ? '&' : '?'}${s}` : base
}

/**
 * request('GET', 'items', { query }) / request('POST', 'appointments', { body, headers })
 * options: body (JSON), form (FormData), query, headers, silent (no toast), auth (default true),
 * signal, idempotencyKey.
 */
export async function request(method, path, options = {}) {
  const { body, form, query, headers = {}, silent = false, auth = true, signal, idempotencyKey } = options
  const url = buildUrl(path, query)

  let sentWith = null
  const send = async () => {
    const h = { Accept: 'application/json', ...headers }
    if (body !== undefined) h['Content-Type'] = 'application/json'
    if (auth) {
      const { access } = bridge.getTokens()
      sentWith = access
      if (access) h.Authorization = `Bearer ${access}`
      const onBehalf = bridge.getOnBehalfOf()
      if (onBehalf && !h['X-On-Behalf-Of']) h['X-On-Behalf-Of'] = onBehalf
    }
    if (idempotencyKey) h['Idempotency-Key'] = idempotencyKey
    return fetch(url, {
      method,
      headers: h,
      body: form || (body !== undefined ? JSON.stringify(body) : undefined),
      signal,
    })
  }

  let res
  try {
    res = await send()
    if (res.status === 401 && auth && bridge.getTokens().refresh) {
      // Another request may already have refreshed the token: then just retry.
      const ok = bridge.getTokens().access !== sentWith ? true : await refreshOnce()
      if (ok) res = await send()
      if (res.status === 401) bridge.onExpired()
    }
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    const err = new ApiError({ status: 0, code: 'NETWORK_ERROR', message: FALLBACK[0] })
    if (!silent) showToast(err.message)
    throw err
  }

  const text = await res.text()
  let data = null
  if (text) {
    try { data = JSON.parse(text) } catch { data = text }
  }
  if (res.ok) return data

  const env = data && typeof data === 'object' && data.error ? data.error : {}
  const retryAfter = res.headers.get('Retry-After')
  let message = messageFor(res.status, data)
  if (res.status === 429 && retryAfter && !(env && env.message)) message = `操作太频繁，请 ${retryAfter} 秒后再试`
  const err = new ApiError({
    status: res.status,
    code: env.code || `HTTP_${res.status}`,
    message,
    details: env.details ?? null,
    retryAfter: retryAfter ? Number(retryAfter) : null,
  })
  if (!silent) showToast(message)
  throw err
}

export const get = (path, query, opts = {}) => request('GET', path, { ...opts, query })
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body })
export const del = (path, opts = {}) => request('DELETE', path, opts)

export function newIdempotencyKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID()
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`
}
