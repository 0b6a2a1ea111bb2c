// Confirm a web login (SJT1:Q:): show the requesting device and place first (QRLJacking).
const auth = require('../../services/auth')
const elder = require('../../utils/elder')
const { formatDateTime } = require('../../utils/date')

Page({
  data: { elder: false, ticket: '', info: null, time: '', state: 'loading' },
  async onLoad(query) {
    this.setData({ ticket: decodeURIComponent(query.ticket || '') })
    try {
      const info = await auth.qrScan({ ticket: this.data.ticket })
      this.setData({ info, time: formatDateTime(info.created_at), state: 'scanned' })
    } catch (e) {
      this.setData({ state: 'invalid' })
    }
  },
  onShow() {
    elder.apply(this)
  },
  async onConfirm() {
    await auth.qrConfirm({ ticket: this.data.ticket })
    this.setData({ state: 'confirmed' })
    wx.showToast({ title: '已确认登录', icon: 'success' })
  },
  async onCancel() {
    try {
      await auth.qrCancel({ ticket: this.data.ticket }, { silent: true })
    } catch (e) { /* expired anyway */ }
    this.setData({ state: 'cancelled' })
    wx.navigateBack()
  },
})
