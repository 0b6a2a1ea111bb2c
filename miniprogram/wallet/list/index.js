const wallet = require('../../services/wallet')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')

Page({
  data: { elder: false, items: [], loading: false },
  async onShow() {
    elder.apply(this)
    this.setData({ loading: true })
    try {
      const res = await wallet.list({})
      const list = Array.isArray(res) ? res : res.items || []
      this.setData({ items: list.map((l) => ({ ...l, statusText: l.status_label || wallet.statusLabel(l.status), until: formatDate(l.valid_until) })) })
    } finally {
      this.setData({ loading: false })
    }
  },
  onOpen(e) {
    wx.navigateTo({ url: `/wallet/detail/index?id=${e.currentTarget.dataset.id}` })
  },
  onShowCode(e) {
    wx.navigateTo({ url: `/wallet/show/index?id=${e.currentTarget.dataset.id}&name=${encodeURIComponent(e.currentTarget.dataset.name || '')}` })
  },
})
