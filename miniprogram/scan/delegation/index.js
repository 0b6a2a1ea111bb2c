// Authorise an agent (SJT1:D:): show who asks, from which service point, for what and how long.
const delegations = require('../../services/delegations')
const subscribe = require('../../utils/subscribe')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')

function scopeText(request) {
  if (request.scope_all) return '全部政务服务事项'
  return (request.items || []).map((i) => i.name || i.code || i).join('、') || '指定事项'
}

Page({
  data: { elder: false, ticket: '', request: null, scope: '', until: '', state: 'loading' },
  async onLoad(query) {
    this.setData({ ticket: decodeURIComponent(query.ticket || '') })
    try {
      const request = await delegations.preview({ ticket: this.data.ticket })
      this.setData({ request, scope: scopeText(request), until: formatDate(request.expires_at), state: 'pending' })
    } catch (e) {
      this.setData({ state: 'invalid' })
    }
  },
  onShow() {
    elder.apply(this)
  },
  async onConfirm() {
    await subscribe.ask('delegation')
    const result = await delegations.confirm({ ticket: this.data.ticket })
    this.setData({ state: 'confirmed' })
    wx.showToast({ title: '授权成功', icon: 'success' })
    return result
  },
  onReject() {
    wx.navigateBack()
  },
})
