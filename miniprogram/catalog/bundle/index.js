// 一件事一次办: a life event's items in handling order, the materials asked once for all of them,
// and one tap that opens a draft for every item (POST applications {bundle_code}, linked by group_id).
const catalog = require('../../services/catalog')
const applications = require('../../services/applications')
const elder = require('../../utils/elder')
const { feeLabel } = require('../../utils/money')

Page({
  data: { elder: false, bundle: null, items: [], materials: [], fee: '', busy: false },
  async onLoad(query) {
    const bundle = await catalog.getBundle({ code: decodeURIComponent(query.code || '') })
    const names = {}
    ;(bundle.items || []).forEach((i) => { names[i.code] = i.name })
    wx.setNavigationBarTitle({ title: bundle.name })
    this.setData({
      bundle,
      items: (bundle.items || []).map((i, n) => ({ ...i, step: n + 1 })),
      materials: (bundle.materials || []).map((m) => ({
        ...m, usedBy: (m.items || []).map((c) => names[c] || c).join('、'), walletLabel: m.license_type ? '可用电子证照免提交' : '',
      })),
      fee: feeLabel(bundle.total_fee_fen),
    })
  },
  onShow() {
    elder.apply(this)
  },
  onItem(e) {
    wx.navigateTo({ url: `/catalog/guide/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` })
  },
  // Drafts for every item at once; the first opens in the form, the others wait in 我的办件.
  async onStart() {
    this.setData({ busy: true })
    try {
      const created = await applications.create({ bundle_code: this.data.bundle.code, form: {}, materials: {} })
      const first = created.items[0]
      wx.navigateTo({ url: `/apply/form/index?id=${first.id}&code=${encodeURIComponent(first.item_code)}` })
      return created
    } catch (e) {
      return null
    } finally {
      this.setData({ busy: false })
    }
  },
})
