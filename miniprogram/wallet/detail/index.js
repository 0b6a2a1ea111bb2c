// A licence: its fields, who verified it (核验记录), and the grants to third parties.
const wallet = require('../../services/wallet')
const elder = require('../../utils/elder')
const { formatDate, formatDateTime } = require('../../utils/date')

const GRANT_DAYS = [7, 30, 90]

Page({
  data: { elder: false, id: '', licence: null, statusText: '', fields: [], verifications: [], grants: [], grantDays: GRANT_DAYS, grantForm: { grantee: '', purpose: '', daysIndex: 0 } },
  onLoad(query) {
    this.setData({ id: query.id })
    return this.refresh()
  },
  onShow() {
    elder.apply(this)
  },
  async refresh() {
    const licence = await wallet.get({ id: this.data.id })
    const fields = Object.keys(licence.fields || {}).map((k) => ({ label: (licence.field_labels || {})[k] || k, value: licence.fields[k] }))
    this.setData({ licence, fields, statusText: wallet.statusLabel(licence.status) })
    const [v, g] = await Promise.all([
      wallet.verifications({ id: this.data.id }, { silent: true }).catch(() => ({ items: [] })),
      wallet.grants({ id: this.data.id }, { silent: true }).catch(() => ({ items: [] })),
    ])
    this.setData({
      verifications: (v.items || []).map((r) => ({ ...r, time: formatDateTime(r.verified_at || r.created_at) })),
      grants: (g.items || []).map((r) => ({ ...r, until: formatDate(r.expires_at) })),
    })
  },
  onShowCode() {
    wx.navigateTo({ url: `/wallet/show/index?id=${this.data.id}` })
  },
  onGrantInput(e) {
    this.setData({ [`grantForm.${e.currentTarget.dataset.field}`]: e.detail.value })
  },
  async onGrant() {
    const f = this.data.grantForm
    if (!f.grantee.trim() || !f.purpose.trim()) {
      wx.showToast({ title: '请填写被授权方和用途', icon: 'none' })
      return
    }
    const expires = new Date(Date.now() + GRANT_DAYS[Number(f.daysIndex)] * 86400000).toISOString()
    await wallet.grant({ id: this.data.id, grantee: f.grantee.trim(), purpose: f.purpose.trim(), expires_at: expires })
    wx.showToast({ title: '已授权', icon: 'success' })
    this.setData({ grantForm: { grantee: '', purpose: '', daysIndex: 0 } })
    await this.refresh()
  },
  onRevoke(e) {
    const grantId = e.currentTarget.dataset.id
    wx.showModal({
      title: '撤销授权',
      content: '撤销后对方将不能再使用该证照',
      success: async (res) => {
        if (!res.confirm) return
        await wallet.revokeGrant({ id: grantId })
        await this.refresh()
      },
    })
  },
})
