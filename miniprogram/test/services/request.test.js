const { install, router } = require('../helpers/wx-mock')

let wx = install()
const config = require('../../config')
const session = require('../../utils/session')
const { request, upload, ApiError } = require('../../utils/request')

const BASE = config.baseUrl + config.apiPrefix
const loginResult = (n) => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 900, account: { id: 'acc-1', role: 'resident', display_name: '张晓明', realname_level: 1 } })

beforeEach(() => {
  wx = install()
})

describe('request', () => {
  test('adds base URL, query string and bearer token', async () => {
    session.save({ access_token: 'tok-A', refresh_token: 'ref-A' })
    wx.responder = router({ 'GET /api/v1/items': { statusCode: 200, data: { items: [] } } })
    const body = await request({ path: '/items', query: { q: '户口', region: '', level: null } })
    expect(body).toEqual({ items: [] })
    const [call] = wx.requests()
    expect(call.url).toBe(`${BASE}/items?q=${encodeURIComponent('户口')}`)
    expect(call.method).toBe('GET')
    expect(call.header.Authorization).toBe('Bearer tok-A')
  })

  test('no token header for auth: false calls', async () => {
    session.save({ access_token: 'tok-A' })
    wx.responder = router({ 'GET /api/v1/progress': { statusCode: 200, data: { status: 'accepted' } } })
    await request({ path: '/progress', auth: false })
    expect(wx.requests()[0].header.Authorization).toBeUndefined()
  })

  test('401 → refresh once → retry with the new token', async () => {
    session.save({ access_token: 'old', refresh_token: 'ref-1' })
    wx.responder = router({
      'GET /api/v1/me': (opts) => (opts.header.Authorization === 'Bearer access-2'
        ? { statusCode: 200, data: { id: 'acc-1' } }
        : { statusCode: 401, data: { error: { code: 'TOKEN_EXPIRED', message: '登录已过期' } } }),
      'POST /api/v1/auth/refresh': (opts) => {
        expect(opts.data).toEqual({ refresh_token: 'ref-1' })
        return { statusCode: 200, data: loginResult(2) }
      },
    })
    await expect(request({ path: '/me' })).resolves.toEqual({ id: 'acc-1' })
    expect(wx.requests().map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'GET /api/v1/me', 'POST /api/v1/auth/refresh', 'GET /api/v1/me',
    ])
    expect(session.accessToken()).toBe('access-2')
    expect(session.refreshToken()).toBe('refresh-2')
    expect(wx.callsOf('login')).toHaveLength(0)
    expect(wx.toasts()).toEqual([])
  })

  test('retries only once: a second 401 is an error with a toast', async () => {
    session.save({ access_token: 'old', refresh_token: 'ref-1' })
    wx.responder = router({
      'GET /api/v1/me': { statusCode: 401, data: { error: { code: 'TOKEN_INVALID', message: '登录已失效，请重新登录' } } },
      'POST /api/v1/auth/refresh': { statusCode: 200, data: loginResult(2) },
    })
    await expect(request({ path: '/me' })).rejects.toMatchObject({ status: 401, code: 'TOKEN_INVALID' })
    expect(wx.requests()).toHaveLength(3)
    expect(wx.toasts()).toEqual(['登录已失效，请重新登录'])
  })

  test('refresh fails → silent wx.login → auth/wechat/login → retry', async () => {
    session.save({ access_token: 'old', refresh_token: 'revoked' })
    wx.loginCode = 'wx-code-9'
    wx.responder = router({
      'GET /api/v1/messages': (opts) => (opts.header.Authorization === 'Bearer access-3'
        ? { statusCode: 200, data: { items: [], unread: 0 } }
        : { statusCode: 401, data: { error: { code: 'TOKEN_EXPIRED', message: '登录已过期' } } }),
      'POST /api/v1/auth/refresh': { statusCode: 401, data: { error: { code: 'REFRESH_REUSED', message: '请重新登录' } } },
      'POST /api/v1/auth/wechat/login': (opts) => {
        expect(opts.data).toEqual({ code: 'wx-code-9' })
        expect(opts.header.Authorization).toBeUndefined()
        return { statusCode: 200, data: loginResult(3) }
      },
    })
    await expect(request({ path: '/messages' })).resolves.toEqual({ items: [], unread: 0 })
    expect(wx.callsOf('login')).toHaveLength(1)
    expect(wx.requests().map((r) => new URL(r.url).pathname)).toEqual([
      '/api/v1/messages', '/api/v1/auth/refresh', '/api/v1/auth/wechat/login', '/api/v1/messages',
    ])
    expect(session.account().display_name).toBe('张晓明')
  })

  test('concurrent 401s share one refresh', async () => {
    session.save({ access_token: 'old', refresh_token: 'ref-1' })
    let refreshes = 0
    wx.responder = router({
      'GET /api/v1/me': (opts) => (opts.header.Authorization === 'Bearer access-2' ? { statusCode: 200, data: {} } : { statusCode: 401, data: {} }),
      'POST /api/v1/auth/refresh': () => { refreshes += 1; return { statusCode: 200, data: loginResult(2) } },
    })
    await Promise.all([request({ path: '/me' }), request({ path: '/me' }), request({ path: '/me' })])
    expect(refreshes).toBe(1)
  })

  test('error envelope → ApiError and its Chinese message as a toast', async () => {
    wx.responder = router({
      'POST /api/v1/appointments': { statusCode: 409, data: { error: { code: 'SLOT_FULL', message: '该时段已约满', details: { slot_id: 's1' } } } },
    })
    const err = await request({ method: 'POST', path: '/appointments', data: { slot_id: 's1' } }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 409, code: 'SLOT_FULL', message: '该时段已约满', details: { slot_id: 's1' } })
    expect(wx.callsOf('showToast')[0]).toMatchObject({ title: '该时段已约满', icon: 'none' })
  })

  test('silent calls do not toast; non-envelope errors get a Chinese fallback', async () => {
    wx.responder = () => ({ statusCode: 502, data: '<html>bad gateway</html>' })
    await expect(request({ path: '/topics', silent: true })).rejects.toMatchObject({ status: 502, message: '服务繁忙，请稍后再试' })
    expect(wx.toasts()).toEqual([])
    wx.responder = () => ({ statusCode: 429, data: {} })
    await expect(request({ path: '/topics' })).rejects.toMatchObject({ code: 'HTTP_429' })
    expect(wx.toasts()).toEqual(['操作太频繁，请稍后再试'])
  })

  test('network failure → 网络不给力 toast', async () => {
    wx.responder = () => Promise.reject(new Error('ECONNREFUSED'))
    await expect(request({ path: '/me' })).rejects.toMatchObject({ code: 'NETWORK' })
    expect(wx.toasts()).toEqual(['网络不给力，请稍后再试'])
  })
})

describe('upload', () => {
  test('wx.uploadFile to POST files with the token; JSON body parsed', async () => {
    session.save({ access_token: 'tok-U' })
    const body = await upload({ path: '/files', filePath: 'wxfile://a.jpg', formData: { purpose: 'material' } })
    expect(body).toEqual({ id: 'file-1', original_name: 'a.jpg', content_type: 'image/jpeg', size: 1000 })
    const [call] = wx.callsOf('uploadFile')
    expect(call.url).toBe(`${BASE}/files`)
    expect(call.header.Authorization).toBe('Bearer tok-U')
    expect(call.formData).toEqual({ purpose: 'material' })
  })

  test('upload error envelope → toast', async () => {
    wx.uploader = () => ({ statusCode: 413, data: JSON.stringify({ error: { code: 'FILE_TOO_LARGE', message: '文件不能超过10MB' } }) })
    await expect(upload({ path: '/files', filePath: 'x' })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' })
    expect(wx.toasts()).toEqual(['文件不能超过10MB'])
  })
})

describe('development login through the simulator', () => {
  afterEach(() => { config.useSimulatorLogin = false })

  test('with useSimulatorLogin the code comes from /wechat-sim/dev/login-code, not wx.login', async () => {
    config.useSimulatorLogin = true
    wx.responder = (opts) => {
      const p = new URL(opts.url).pathname
      if (p === '/wechat-sim/dev/login-code') return { statusCode: 200, data: { code: `sim-${opts.data.openid}` } }
      if (p === '/api/v1/auth/wechat/login') return { statusCode: 200, data: loginResult(5) }
      return { statusCode: 404, data: {} }
    }
    const { wechatLogin } = require('../../utils/request')
    await wechatLogin()
    expect(wx.callsOf('login')).toHaveLength(0)
    expect(wx.requests()[1].data).toEqual({ code: 'sim-demo-resident-zhang' })
  })
})
