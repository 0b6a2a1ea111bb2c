const home = require('../../services/home')
const elder = require('../../utils/elder')

Page({
  data: { elder: false, q: '', hot: [], bundles: [], todos: [], unread: 0, latest: [], loading: true },
  onLoad() {
    return this.refresh()
  },
  onShow() {
    const was = this.data.elder
    if (elder.apply(this) !== was && !this.data.loading) return this.refresh()
    return null
  },
  async onPullDownRefresh() {
    await this.refresh()
    wx.stopPullDownRefresh()
  },
  async refresh() {
    this.setData({ loading: true })
    await getApp().ready()
    const data = await home.load({ hotLimit: elder.limit(8, 4) })
    this.setData({ ...data, bundles: data.bundles.slice(0, elder.limit(6, 3)), loading: false })
  },
  onInput(e) {
    this.setData({ q: e.detail.value })
  },
  onSearch() {
    wx.navigateTo({ url: `/catalog/search/index?q=${encodeURIComponent(this.data.q.trim())}` })
  },
  onItem(e) {
    wx.navigateTo({ url: `/catalog/guide/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` })
  },
  onBundle(e) {
    wx.navigateTo({ url: `/catalog/bundle/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` })
  },
  onTodo(e) {
    wx.navigateTo({ url: e.currentTarget.dataset.url })
  },
  onScan() {
    wx.navigateTo({ url: '/scan/index/index' })
  },
  onMessages() {
    wx.navigateTo({ url: '/me/messages/index' })
  },
})
