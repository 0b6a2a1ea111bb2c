const catalog = require('../../services/catalog')
const elder = require('../../utils/elder')
const { feeLabel } = require('../../utils/money')

Page({
  data: { elder: false, item: null, materials: [], halls: [], fee: '', timeLimit: '', depthLabel: '', canApply: false, canBook: false },
  async onLoad(query) {
    const code = decodeURIComponent(query.code || '')
    const item = await catalog.getItem({ code })
    const sections = catalog.guideSections(item)
    wx.setNavigationBarTitle({ title: item.name })
    this.setData({
      item,
      ...sections,
      fee: feeLabel(item.fee_fen),
      canApply: Boolean(item.mobile_enabled) && item.online_depth >= 3,
      canBook: Boolean(item.bookable),
    })
    let halls = item.halls || null
    if (!halls) {
      try {
        const res = await catalog.halls({ item: code }, { silent: true })
        halls = Array.isArray(res) ? res : res.items || []
      } catch (e) {
        halls = []
      }
    }
    this.setData({ halls })
  },
  onShow() {
    elder.apply(this)
  },
  onSample(e) {
    const url = e.currentTarget.dataset.url
    if (url) wx.previewImage({ urls: [url] })
  },
  onCall(e) {
    wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
  },
  onMap(e) {
    const hall = this.data.halls[Number(e.currentTarget.dataset.index)]
    if (hall && hall.latitude) wx.openLocation({ latitude: hall.latitude, longitude: hall.longitude, name: hall.name, address: hall.address })
  },
  onApply() {
    wx.navigateTo({ url: `/apply/form/index?code=${encodeURIComponent(this.data.item.code)}` })
  },
  onBook() {
    wx.navigateTo({ url: `/appointments/book/index?code=${encodeURIComponent(this.data.item.code)}` })
  },
})
