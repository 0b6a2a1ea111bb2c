// 我的代办授权: who may act for me, for what, until when; revoke at any time.
const delegations = require('../../services/delegations')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')

const STATE = { active: '生效中', revoked: '已撤销', expired: '已过期' }

const shape = (d) => ({
  ...d,
  stateText: STATE[d.state] || d.state,
  scope: d.scope_all ? '全部事项' : `${(d.scope_items || []).length}项指定事项`,
  until: formatDate(d.expires_at),
  how: d.consent_method === 'offline' ? '线下签字+短信验证' : '扫码确认',
})

Page({
  data: { elder: false, items: [], loading: false },
  onShow() {
    elder.apply(this)
    return this.refresh()
  },
  async refresh() {
    this.setData({ loading: true })
    try {
      const res = await delegations.list({})
      this.setData({ items: (res.items || []).map(shape) })
    } finally {
      this.setData({ loading: false })
    }
  },
  onRevoke(e) {
    const { id, name } = e.currentTarget.dataset
    wx.showModal({
      title: '撤销授权',
      content: `撤销后${name}将不能再以您的名义办理，已在办的事项仍归您所有。确定撤销吗？`,
      success: async (res) => {
        if (!res.confirm) return
        await delegations.revoke({ id })
        wx.showToast({ title: '已撤销', icon: 'success' })
        await this.refresh()
      },
    })
  },
  onScan() {
    wx.navigateTo({ url: '/scan/index/index' })
  },
})
