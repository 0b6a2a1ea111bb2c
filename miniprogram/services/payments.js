// Fees: create a JSAPI order, pay with wx.requestPayment, query the order.
const { endpoint } = require('../utils/api')
const { randomKey } = require('../utils/ids')

const api = {
  create: endpoint('POST', '/payments'), // {application_id, channel: 'jsapi'} → {id, state, amount_fen, request_payment, ...}
  get: endpoint('GET', '/payments/{id}'),
}

const STATUS = { created: '待支付', paid: '已支付', refunded: '已退款', closed: '已关闭', failed: '支付失败' }

function requestPayment(params) {
  return new Promise((resolve, reject) => {
    wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType || 'RSA',
      paySign: params.paySign,
      success: () => resolve(true),
      fail: (err) => reject(Object.assign(new Error(err && /cancel/.test(err.errMsg || '') ? '已取消支付' : '支付未完成'), { cancelled: /cancel/.test((err && err.errMsg) || '') })),
    })
  })
}

// Create the order and open the WeChat cashier; resolves the order id either way so the
// result page asks the server (the notify callback, not the client, decides "paid").
async function pay({ applicationId, key = randomKey() }) {
  const order = await api.create({}, { body: { application_id: applicationId, channel: 'jsapi' }, header: { 'Idempotency-Key': key } })
  let cancelled = false
  try {
    await requestPayment(order.request_payment || {})
  } catch (e) {
    cancelled = Boolean(e.cancelled)
  }
  return { orderId: order.id, cancelled }
}

// Poll the order until its state leaves `created` (the notify may arrive a moment later; the
// API also queries WeChat Pay itself when asked about a pending order).
async function waitForResult(id, { tries = 5, intervalMs = 1500 } = {}) {
  let order = await api.get({ id })
  for (let i = 1; i < tries && order.state === 'created'; i++) {
    await new Promise((r) => setTimeout(r, intervalMs))
    order = await api.get({ id })
  }
  return order
}

module.exports = { ...api, STATUS, statusLabel: (s) => STATUS[s] || s, requestPayment, pay, waitForResult }
