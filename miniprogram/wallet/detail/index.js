// A licence: its fields, who verified it (核验记录), and the grants to third parties.
const wallet = require('../../services/wallet')
const elder = require('../../utils/elder')
const { formatDate, formatDateTime } = require('../../utils/date')

const GRANT_DAYS = [7, 30, 90]

Page({
  data: {
    elder: false, id: '', licence: null, statusText: '', fields: [], verifications: [], grants: [], grantDays: GRANT_DAYS,
    purposes: wallet.PURPOSES, purposeLabels: wallet.PURPOSES.map((x) => x.label), grantForm: { grantee: '', purposeIndex: 0, daysIndex: 0 }, accessCode: '',
  },
  onLoad(query) {
    this.setData({ id: query.id })
    return this.refresh()
  },
  onShow() {
    elder.apply(this)
  },
  async refresh() {
    const licence = await wallet.get({ id: this.data.id })
    const fields = (licence.fields || []).map((f) => ({ label: f.label || f.key, value: f.value }))
    this.setData({ licence, fields, statusText: licence.status_label || wallet.statusLabel(licence.status) })
    const [v, g] = await Promise.all([
      wallet.verifications({ id: this.data.id }, { silent: true }).catch(() => ({ items: [] })),
      wallet.grants({ id: this.data.id }, { silent: true }).catch(() => ({ items: [] })),
    ])
    this.setData({
      verifications: (v.items || []).map((r) => ({
        ...r, time: formatDateTime(r.created_at), who: [r.organisation, r.verifier_name].filter(Boolean).join(' ') || '核验方', purposeText: wallet.purposeLabel(r.purpose),
      })),
      grants: (g.items || []).map((r) => ({ ...r, untilText: formatDate(r.until), purposeText: wallet.purposeLabel(r.purpose), stateText: wallet.GRANT_STATE[r.state] || r.state })),
    })
  },
  onShowCode() {
    wx.navigateTo({ url: `/wallet/show/index?id=${this.data.id}&name=${encodeURIComponent(this.data.licence.type_name || '')}` })
  },
  onGrantInput(e) {
    this.setData({ [`grantForm.${e.currentTarget.dataset.field}`]: e.detail.value })
  },
  async onGrant() {
    const f = this.data.grantForm
    if (!f.grantee.trim()) {
      wx.showToast({ title: '请填写被授权机构', icon: 'none' })
      return null
    }
    const until = new Date(Date.now() + GRANT_DAYS[Number(f.daysIndex)] * 86400000).toISOString()
    const grant = await wallet.grant({ id: this.data.id, grantee_name: f.grantee.trim(), purpose: wallet.PURPOSES[Number(f.purposeIndex)].value, until })
    // The access code is shown once: the resident hands it to the organisation.
    this.setData({ grantForm: { grantee: '', purposeIndex: 0, daysIndex: 0 }, accessCode: grant.access_code || '' })
    if (grant.access_code) wx.showModal({ title: '已授权', content: `取证码：${grant.access_code}（仅显示一次，请交给被授权机构）`, showCancel: false })
    await this.refresh()
    return grant
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
