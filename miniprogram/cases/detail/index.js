const applications = require('../../services/applications')
const catalog = require('../../services/catalog')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')
const { yuan } = require('../../utils/money')
const session = require('../../utils/session')
const subscribe = require('../../utils/subscribe')

Page({
  data: {
    elder: false, id: '', app: null, statusText: '', dueDate: '', actions: {}, events: [], fee: '',
    ratings: applications.RATINGS, aspects: applications.ASPECTS, picked: {}, score: 0, comment: '', evaluations: [],
    delivery: null, deliveryEvents: [], deliveryMethod: 'pickup', address: { name: '', phone: '', detail: '' },
  },
  onLoad(query) {
    this.setData({ id: query.id })
  },
  onShow() {
    elder.apply(this)
    return this.refresh()
  },
  async refresh() {
    const app = await applications.get({ id: this.data.id })
    const live = !['draft', 'withdrawn', 'not_accepted', 'rejected'].includes(app.status)
    const [evaluation, item] = await Promise.all([
      app.status === 'completed' ? applications.evaluation({ id: app.id }, { silent: true }).catch(() => null) : null,
      live ? catalog.getItem({ code: app.item_code }, { silent: true }).catch(() => null) : null,
    ])
    const deliverable = Boolean(item && item.deliverable)
    const delivery = deliverable ? await applications.getDelivery({ id: app.id }, { silent: true }).catch(() => null) : null
    const evaluations = ((evaluation && evaluation.evaluations) || []).map((e) => ({ ...e, kindText: e.kind === 'supplement' ? '追评' : '评价' }))
    this.setData({
      app,
      statusText: app.status_label || applications.statusLabel(app.status),
      dueDate: formatDate(app.status === 'submitted' ? app.accept_deadline : app.due_date),
      overdue: app.urgency === 'red',
      evaluations,
      delivery,
      deliveryEvents: ((delivery && delivery.events) || []).map((e) => ({ ...e, title: e.label })),
      actions: applications.actions(app, { evaluations, deliverable, delivery }),
      events: app.timeline || [],
      fee: yuan(app.fee_fen),
    })
  },
  onCorrect() {
    wx.navigateTo({ url: `/apply/form/index?id=${this.data.id}&code=${encodeURIComponent(this.data.app.item_code)}` })
  },
  onWithdraw() {
    wx.showModal({
      title: '撤回申请',
      content: '撤回后如需办理须重新提交，确定撤回吗？',
      success: async (res) => {
        if (!res.confirm) return
        await applications.withdraw({ id: this.data.id })
        wx.showToast({ title: '已撤回', icon: 'success' })
        await this.refresh()
      },
    })
  },
  onAsk(e) {
    wx.navigateTo({ url: e.currentTarget.dataset.url })
  },
  onPay() {
    wx.navigateTo({ url: `/pay/pay/index?application_id=${this.data.id}` })
  },
  // 好差评
  onScore(e) {
    this.setData({ score: Number(e.currentTarget.dataset.score) })
  },
  onComment(e) {
    this.setData({ comment: e.detail.value })
  },
  onAspect(e) {
    const v = e.currentTarget.dataset.value
    this.setData({ [`picked.${v}`]: !this.data.picked[v] })
  },
  async onRate() {
    if (!this.data.score) {
      wx.showToast({ title: '请选择评价等级', icon: 'none' })
      return
    }
    if (this.data.score <= 2 && !this.data.comment.trim()) {
      wx.showToast({ title: '请说明不满意的原因，便于整改', icon: 'none' })
      return
    }
    const aspects = Object.keys(this.data.picked).filter((k) => this.data.picked[k])
    const body = { id: this.data.id, score: this.data.score, comment: this.data.comment.trim(), aspects }
    if (this.data.actions.canSupplement) await applications.supplement(body)
    else await applications.evaluate(body)
    wx.showToast({ title: '感谢您的评价', icon: 'success' })
    this.setData({ score: 0, comment: '', picked: {} })
    await this.refresh()
  },
  // 结果领取：窗口自取或邮寄（寄递）
  onDeliveryMethod(e) {
    this.setData({ deliveryMethod: e.detail.value })
  },
  onAddress(e) {
    this.setData({ [`address.${e.currentTarget.dataset.field}`]: e.detail.value })
  },
  async onDelivery() {
    const body = { method: this.data.deliveryMethod }
    if (body.method === 'mail') {
      const a = this.data.address
      if (!a.name || !/^1[3-9]\d{9}$/.test(a.phone) || a.detail.length < 5) {
        wx.showToast({ title: '请填写收件人、手机号和详细地址', icon: 'none' })
        return null
      }
      const account = session.account() || {}
      // the recipient's region: the account's (GB/T 2260), else the case's
      body.address = { recipient: a.name, phone: a.phone, region_code: account.region_code || this.data.app.region_code || '140000', detail: a.detail }
    }
    await subscribe.ask('delivery')
    const delivery = await applications.delivery({ id: this.data.id, ...body })
    wx.showToast({ title: delivery.method === 'mail' ? '将免费邮寄' : '请凭取件码领取', icon: 'success' })
    await this.refresh()
    return delivery
  },
})
