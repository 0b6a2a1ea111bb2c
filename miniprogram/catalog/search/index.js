const catalog = require('../../services/catalog')
const elder = require('../../utils/elder')
const { feeLabel } = require('../../utils/money')

const shape = (item) => ({ ...item, fee: feeLabel(item.fee_fen), depth: catalog.DEPTH[item.online_depth] || '' })

Page({
  data: {
    elder: false, q: '', topic: '', level: '', audience: '', region: '',
    levels: catalog.LEVELS, audiences: catalog.AUDIENCES, levelIndex: 0, audienceIndex: 0,
    regions: [{ code: '', name: '全省' }], regionIndex: 0,
    items: [], cursor: null, done: false, loading: false,
  },
  onLoad(query) {
    this.setData({ q: query.q ? decodeURIComponent(query.q) : '', topic: query.topic || '', region: query.region || '' })
    this.loadRegions()
    return this.search()
  },
  // The region filter: Shanxi's cities (GB/T 2260).
  async loadRegions() {
    try {
      const res = await catalog.regions({ parent: catalog.PROVINCE }, { silent: true })
      const list = Array.isArray(res) ? res : res.items || []
      this.setData({ regions: [{ code: '', name: '全省' }].concat(list.map((r) => ({ code: r.code, name: r.name }))) })
    } catch (e) { /* the filter stays at 全省 */ }
  },
  onRegion(e) {
    const i = Number(e.detail.value)
    this.setData({ regionIndex: i, region: this.data.regions[i].code })
    return this.search()
  },
  onShow() {
    elder.apply(this)
  },
  onReachBottom() {
    return this.more()
  },
  onInput(e) {
    this.setData({ q: e.detail.value })
  },
  onLevel(e) {
    const i = Number(e.detail.value)
    this.setData({ levelIndex: i, level: catalog.LEVELS[i].value })
    return this.search()
  },
  onAudience(e) {
    const i = Number(e.detail.value)
    this.setData({ audienceIndex: i, audience: catalog.AUDIENCES[i].value })
    return this.search()
  },
  search() {
    this.setData({ items: [], cursor: null, done: false })
    return this.more()
  },
  async more() {
    if (this.data.loading || this.data.done) return
    this.setData({ loading: true })
    try {
      const { q, topic, level, audience, region, cursor } = this.data
      const page = await catalog.searchItems({ q: q.trim(), topic, level, audience, region, cursor, limit: elder.limit(20, 8) })
      this.setData({ items: this.data.items.concat((page.items || []).map(shape)), cursor: page.next_cursor || null, done: !page.next_cursor })
    } catch (e) {
      this.setData({ done: true })
    } finally {
      this.setData({ loading: false })
    }
  },
  onItem(e) {
    wx.navigateTo({ url: `/catalog/guide/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` })
  },
})
