// A `wx` global that records every call. wx.request answers from `respond(options)` — a function
// returning {statusCode, data} (or a promise of it); tests swap it per case or point it at a
// real server (test/flow).
function createWx({ respond, upload, loginCode = 'code-1' } = {}) {
  const calls = []
  const storage = {}
  const record = (api, args) => { calls.push({ api, args }); return args }
  const later = (fn) => Promise.resolve().then(fn)
  const ok = (opts, res) => later(() => { opts.success && opts.success(res); opts.complete && opts.complete(res) })

  const wx = {
    calls,
    storage,
    responder: respond || (() => ({ statusCode: 404, data: { error: { code: 'NOT_FOUND', message: '未找到' } } })),
    uploader: upload || (() => ({ statusCode: 201, data: JSON.stringify({ id: 'file-1', original_name: 'a.jpg', content_type: 'image/jpeg', size: 1000 }) })),
    loginCode,
    callsOf: (api) => calls.filter((c) => c.api === api).map((c) => c.args),
    requests: () => calls.filter((c) => c.api === 'request').map((c) => c.args),
    toasts: () => calls.filter((c) => c.api === 'showToast').map((c) => c.args.title),

    request: jest.fn((opts) => {
      record('request', opts)
      Promise.resolve()
        .then(() => wx.responder(opts))
        .then((res) => { opts.success && opts.success({ header: {}, ...res }) }, (err) => { opts.fail && opts.fail({ errMsg: `request:fail ${err && err.message}` }) })
    }),
    uploadFile: jest.fn((opts) => {
      record('uploadFile', opts)
      Promise.resolve().then(() => wx.uploader(opts)).then((res) => opts.success && opts.success(res), (err) => opts.fail && opts.fail(err))
    }),
    login: jest.fn((opts) => {
      record('login', opts)
      Promise.resolve().then(() => (typeof wx.loginCode === 'function' ? wx.loginCode() : wx.loginCode))
        .then((code) => opts.success && opts.success({ code, errMsg: 'login:ok' }), (err) => opts.fail && opts.fail(err))
    }),
    getStorageSync: jest.fn((k) => (k in storage ? storage[k] : '')),
    setStorageSync: jest.fn((k, v) => { storage[k] = JSON.parse(JSON.stringify(v)) }),
    removeStorageSync: jest.fn((k) => { delete storage[k] }),
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop', appId: 'wx-test' } }),
    getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, pixelRatio: 2 }),
    chooseMedia: jest.fn((opts) => { record('chooseMedia', opts); ok(opts, { tempFiles: [{ tempFilePath: 'wxfile://tmp/1.jpg', size: 1000 }] }) }),
    scanCode: jest.fn((opts) => { record('scanCode', opts); ok(opts, { result: wx.scanResult || '' }) }),
    requestPayment: jest.fn((opts) => {
      record('requestPayment', opts)
      Promise.resolve().then(() => (wx.payBehaviour ? wx.payBehaviour(opts) : null))
        .then(() => opts.success && opts.success({ errMsg: 'requestPayment:ok' }), (err) => opts.fail && opts.fail(err))
    }),
    requestSubscribeMessage: jest.fn((opts) => {
      record('requestSubscribeMessage', opts)
      const res = {}
      opts.tmplIds.forEach((id) => { res[id] = 'accept' })
      ok(opts, res)
    }),
    downloadFile: jest.fn((opts) => { record('downloadFile', opts); ok(opts, { statusCode: 200, tempFilePath: 'wxfile://tmp/doc.pdf' }) }),
    showModal: jest.fn((opts) => { record('showModal', opts); ok(opts, { confirm: wx.modalConfirm !== false, cancel: wx.modalConfirm === false }) }),
    showActionSheet: jest.fn((opts) => { record('showActionSheet', opts); ok(opts, { tapIndex: wx.actionSheetIndex || 0 }) }),
  }
  ;['showToast', 'showLoading', 'hideLoading', 'navigateTo', 'redirectTo', 'switchTab', 'reLaunch', 'navigateBack',
    'previewImage', 'openDocument', 'setClipboardData', 'makePhoneCall', 'openLocation', 'vibrateShort', 'setScreenBrightness',
    'setVisualEffectOnCapture', 'stopPullDownRefresh', 'setNavigationBarTitle', 'pageScrollTo'].forEach((api) => {
    wx[api] = jest.fn((opts) => { record(api, opts || {}); if (opts) ok(opts, { errMsg: `${api}:ok` }) })
  })
  return wx
}

// A small router for unit tests: route('GET /api/v1/me', handler) with {statusCode, data}.
function router(routes) {
  return (opts) => {
    const url = new URL(opts.url)
    const key = `${opts.method || 'GET'} ${url.pathname}`
    const handler = routes[key]
    if (!handler) return { statusCode: 404, data: { error: { code: 'NOT_FOUND', message: `no route ${key}` } } }
    return typeof handler === 'function' ? handler(opts, url) : handler
  }
}

function install(options) {
  const wx = createWx(options)
  global.wx = wx
  const app = { globalData: {} }
  global.getApp = () => app
  return wx
}

module.exports = { createWx, router, install }
