// 亮证: a short-lived signed QR that renews itself before it expires; screen bright, screenshots hidden.
const wallet = require('../../services/wallet')
const config = require('../../config')
const elder = require('../../utils/elder')

Page({
  data: {
    elder: false, id: '', name: '', payload: '', expiresAt: '', refreshBefore: config.qrRefreshBeforeSeconds, failed: false,
    purpose: 'validity', purposeIndex: wallet.PURPOSES.findIndex((p) => p.value === 'validity'), purposeLabels: wallet.PURPOSES.map((p) => p.label),
  },
  async onLoad(query) {
    this.setData({ id: query.id, name: decodeURIComponent(query.name || '') })
    wx.setScreenBrightness({ value: 1 })
    if (wx.setVisualEffectOnCapture) wx.setVisualEffectOnCapture({ visualEffect: 'hidden' })
    return this.renew()
  },
  onShow() {
    elder.apply(this)
  },
  onUnload() {
    if (wx.setVisualEffectOnCapture) wx.setVisualEffectOnCapture({ visualEffect: 'none' })
  },
  async renew() {
    try {
      const code = await wallet.show({ id: this.data.id }, { body: { purpose: this.data.purpose } })
      this.setData({ payload: code.payload, expiresAt: code.expires_at, failed: false })
      return code
    } catch (e) {
      this.setData({ failed: true })
      return null
    }
  },
  onRefresh() {
    return this.renew()
  },
  // The purpose decides which fields the verifier sees: a new code for the new purpose.
  onPurpose(e) {
    const i = Number(e.detail.value)
    this.setData({ purposeIndex: i, purpose: wallet.PURPOSES[i].value })
    return this.renew()
  },
})
