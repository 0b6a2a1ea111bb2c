const applications = require('../../services/applications')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')
const { yuan } = require('../../utils/money')

Page({
  data: {
    elder: false, id: '', app: null, statusText: '', dueDate: '', actions: {}, events: [], fee: '',
    ratings: applications.RATINGS, score: 0, comment: '',
    deliveryMethod: 'pickup', address: { name: '', phone: '', detail: '' },
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
    this.setData({
      app,
      statusText: app.status_label || applications.statusLabel(app.status),
      dueDate: formatDate(app.due_date),
      actions: applications.actions(app),
      events: app.timeline || app.events || [],
      fee: yuan(app.payment ? app.payment.amount_fen : app.fee_fen),
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
  async onRate() {
    if (!this.data.score) {
      wx.showToast({ title: '请选择评价等级', icon: 'none' })
      return
    }
    if (this.data.score <= 2 && !this.data.comment.trim()) {
      wx.showToast({ title: '请说明不满意的原因，便于整改', icon: 'none' })
      return
    }
    await applications.evaluate({ id: this.data.id, score: this.data.score, comment: this.data.comment.trim() })
    wx.showToast({ title: '感谢您的评价', icon: 'success' })
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
      if (!a.name || !/^1\d{10}$/.test(a.phone) || a.detail.length < 5) {
        wx.showToast({ title: '请填写收件人、手机号和详细地址', icon: 'none' })
        return
      }
      body.address = { name: a.name, phone: a.phone, detail: a.detail }
    }
    await applications.delivery({ id: this.data.id, ...body })
    wx.showToast({ title: '已提交', icon: 'success' })
    await this.refresh()
  },
})
