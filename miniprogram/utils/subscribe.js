// Subscribe messages are asked for right after the action they are about (submit, booking,
// payment), from a tap, as WeChat requires. A refusal never blocks the flow.
const config = require('../config')

const MOMENTS = {
  submit: ['application_status'],
  book: ['appointment'],
  pay: ['payment', 'application_status'],
  delegation: ['delegation'],
  licence: ['licence'],
  // asked only once config.templates has it (SJT-TPL-DELIVERY arrives with branch issue4rest)
  delivery: ['delivery', 'application_status'],
}

function ask(moment) {
  const ids = (MOMENTS[moment] || []).map((k) => config.templates[k]).filter(Boolean)
  if (!ids.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve({})
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res) => resolve(res || {}),
      fail: () => resolve({}),
    })
  })
}

module.exports = { MOMENTS, ask }
