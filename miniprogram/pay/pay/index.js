// Fee payment: the order comes from POST payments, the cashier from wx.requestPayment.
const applications = require('../../services/applications')
const payments = require('../../services/payments')
const subscribe = require('../../utils/subscribe')
const elder = require('../../utils/elder')
const { yuan } = require('../../utils/money')
const { randomKey } = require('../../utils/ids')

Page({
  data: { elder: false, applicationId: '', app: null, amount: '', busy: false },
  async onLoad(query) {
    this.payKey = randomKey()
    const app = await applications.get({ id: query.application_id })
    this.setData({ applicationId: query.application_id, app, amount: yuan(app.fee_fen) })
  },
  onShow() {
    elder.apply(this)
  },
  async onPay() {
    await subscribe.ask('pay')
    this.setData({ busy: true })
    try {
      const { orderId, cancelled } = await payments.pay({ applicationId: this.data.applicationId, key: this.payKey })
      if (cancelled) {
        wx.showToast({ title: '已取消支付', icon: 'none' })
        return null
      }
      wx.redirectTo({ url: `/pay/result/index?id=${orderId}` })
      return orderId
    } catch (e) {
      if (e.status) this.payKey = randomKey() // answered refusal: a new attempt is a new request
      return null
    } finally {
      this.setData({ busy: false })
    }
  },
})
