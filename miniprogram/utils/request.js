// Every API call: base URL, bearer token, one refresh on 401 (then a silent WeChat re-login),
// and the error envelope {"error": {code, message, details}} turned into a Chinese toast.
const config = require('../config')
const session = require('./session')

const REFRESH_PATH = '/auth/refresh'
const WECHAT_LOGIN_PATH = '/auth/wechat/login'
// Calls this module makes by itself (the contract test checks them too).
const INTERNAL_ENDPOINTS = [
  { method: 'POST', path: REFRESH_PATH },
  { method: 'POST', path: WECHAT_LOGIN_PATH },
]

const STATUS_MESSAGES = {
  400: '请求有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限进行此操作',
  404: '内容不存在或已删除',
  409: '状态已变化，请刷新后重试',
  413: '文件太大',
  422: '填写内容有误，请检查',
  429: '操作太频繁，请稍后再试',
}
const NETWORK_MESSAGE = '网络不给力，请稍后再试'
const SERVER_MESSAGE = '服务繁忙，请稍后再试'

class ApiError extends Error {
  constructor({ status, code, message, details }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details === undefined ? null : details
  }
}

function buildUrl(path, query) {
  let url = config.baseUrl + config.apiPrefix + path
  const pairs = Object.keys(query || {})
    .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k])}`)
  if (pairs.length) url += (url.includes('?') ? '&' : '?') + pairs.join('&')
  return url
}

function send({ method, path, query, data, header, auth }) {
  const headers = { 'Content-Type': 'application/json', 'X-Device': 'miniprogram', ...(header || {}) }
  const token = auth ? session.accessToken() : null
  if (token) headers.Authorization = `Bearer ${token}`
  return new Promise((resolve, reject) => {
    wx.request({
      url: buildUrl(path, query),
      method,
      data: data === undefined ? undefined : data,
      header: headers,
      success: (res) => resolve(res),
      fail: (err) => reject(new ApiError({ status: 0, code: 'NETWORK', message: NETWORK_MESSAGE, details: err })),
    })
  })
}

function errorFrom(res) {
  const status = res.statusCode
  const body = res.data && typeof res.data === 'object' ? res.data : null
  const envelope = body && body.error && typeof body.error === 'object' ? body.error : null
  if (envelope && envelope.message) {
    return new ApiError({ status, code: envelope.code || `HTTP_${status}`, message: envelope.message, details: envelope.details })
  }
  return new ApiError({ status, code: `HTTP_${status}`, message: STATUS_MESSAGES[status] || SERVER_MESSAGE, details: body })
}

function toast(message) {
  wx.showToast({ title: message, icon: 'none', duration: 2500 })
}

let refreshing = null
let relogging = null

// One refresh at a time: concurrent 401s share it.
function refresh() {
  if (!refreshing) {
    const refreshToken = session.refreshToken()
    refreshing = (refreshToken
      ? send({ method: 'POST', path: REFRESH_PATH, data: { refresh_token: refreshToken }, auth: false })
        .then((res) => {
          if (res.statusCode >= 200 && res.statusCode < 300 && res.data && res.data.access_token) {
            session.save(res.data)
            return true
          }
          return false
        })
        .catch(() => false)
      : Promise.resolve(false)
    ).finally(() => { refreshing = null })
  }
  return refreshing
}

// Development only (config.useSimulatorLogin): what wx.login would give, from the simulator.
function simulatorLoginCode() {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.baseUrl}/wechat-sim/dev/login-code`,
      method: 'POST',
      data: { openid: config.devOpenid },
      header: { 'Content-Type': 'application/json' },
      success: (res) => (res.statusCode === 200 && res.data && res.data.code ? resolve(res.data.code) : reject(new ApiError({ status: res.statusCode, code: 'WX_LOGIN', message: '微信登录失败，请重试' }))),
      fail: () => reject(new ApiError({ status: 0, code: 'NETWORK', message: NETWORK_MESSAGE })),
    })
  })
}

function wxLoginCode() {
  if (config.useSimulatorLogin && config.devOpenid) return simulatorLoginCode()
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : reject(new ApiError({ status: 0, code: 'WX_LOGIN', message: '微信登录失败，请重试' }))),
      fail: () => reject(new ApiError({ status: 0, code: 'WX_LOGIN', message: '微信登录失败，请重试' })),
    })
  })
}

// wx.login → POST auth/wechat/login: the silent login of a WeChat user.
function wechatLogin() {
  if (!relogging) {
    relogging = wxLoginCode()
      .then((code) => send({ method: 'POST', path: WECHAT_LOGIN_PATH, data: { code }, auth: false }))
      .then((res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          session.save(res.data)
          return res.data
        }
        throw errorFrom(res)
      })
      .finally(() => { relogging = null })
  }
  return relogging
}

/**
 * request({method, path, query, data, header, auth = true, silent = false}) → response body.
 * Rejects with ApiError; shows its message as a toast unless `silent`.
 */
async function request(options) {
  const opts = { method: 'GET', auth: true, silent: false, ...options }
  try {
    let res = await send(opts)
    if (res.statusCode === 401 && opts.auth) {
      const refreshed = await refresh()
      if (!refreshed) await wechatLogin()
      res = await send(opts)
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res.data
    throw errorFrom(res)
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError({ status: 0, code: 'CLIENT', message: NETWORK_MESSAGE, details: String(err) })
    if (!opts.silent) toast(error.message)
    throw error
  }
}

// wx.uploadFile with the same token / refresh / envelope rules; resolves the parsed body.
async function upload({ path, filePath, name = 'file', formData, silent = false }) {
  const once = () => new Promise((resolve, reject) => {
    const header = { 'X-Device': 'miniprogram' }
    const token = session.accessToken()
    if (token) header.Authorization = `Bearer ${token}`
    wx.uploadFile({
      url: buildUrl(path),
      filePath,
      name,
      formData: formData || {},
      header,
      success: (res) => {
        let data = res.data
        try { data = typeof data === 'string' ? JSON.parse(data) : data } catch (e) { /* not JSON */ }
        resolve({ statusCode: res.statusCode, data })
      },
      fail: (err) => reject(new ApiError({ status: 0, code: 'NETWORK', message: '上传失败，请检查网络', details: err })),
    })
  })
  try {
    let res = await once()
    if (res.statusCode === 401) {
      if (!(await refresh())) await wechatLogin()
      res = await once()
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return res.data
    throw errorFrom(res)
  } catch (err) {
    if (!silent) toast(err.message)
    throw err
  }
}

module.exports = { request, upload, wechatLogin, refresh, buildUrl, ApiError, INTERNAL_ENDPOINTS, STATUS_MESSAGES }
