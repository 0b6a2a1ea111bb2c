// The result comes from the server (the verified notify), never from the client's callback.
const payments = require('../../services/payments')
const elder = require('../../utils/elder')
const { yuan } = require('../../utils/money')
const { formatDateTime } = require('../../utils/date')

Page({
  data: { elder: false, id: '', order: null, statusText: '查询中…', amount: '', paidAt: '' },
  onLoad(query) {
    this.setData({ id: query.id })
    return this.query()
  },
  onShow() {
    elder.apply(this)
  },
  async query() {
    const order = await payments.waitForResult(this.data.id)
    this.setData({ order, statusText: payments.statusLabel(order.state), amount: yuan(order.amount_fen), paidAt: formatDateTime(order.paid_at) })
    return order
  },
  onRetry() {
    return this.query()
  },
  onDone() {
    if (this.data.order && this.data.order.application_id) wx.redirectTo({ url: `/cases/detail/index?id=${this.data.order.application_id}` })
    else wx.navigateBack()
  },
})
