const scan = require('../../services/scan')
const elder = require('../../utils/elder')

Page({
  data: { elder: false, message: '' },
  onLoad() {
    return this.onScan()
  },
  onShow() {
    elder.apply(this)
  },
  async onScan() {
    let raw
    try {
      raw = await scan.scanCode()
    } catch (e) {
      return null // cancelled
    }
    const target = scan.route(raw)
    if (target.url) {
      wx.navigateTo({ url: target.url })
      this.setData({ message: '' })
    } else {
      this.setData({ message: target.message })
    }
    return target
  },
})
