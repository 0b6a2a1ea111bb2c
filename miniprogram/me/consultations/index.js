// 咨询投诉: my questions and complaints with the department's answers; ask a new one; rate an answer.
const consultations = require('../../services/consultations')
const elder = require('../../utils/elder')
const { formatDateTime } = require('../../utils/date')

const shape = (c) => ({
  ...c,
  kindText: c.kind === 'complaint' ? '投诉' : '咨询',
  stateText: c.status === 'answered' ? '已答复' : (c.overdue ? '已超期' : '办理中'),
  time: formatDateTime(c.created_at),
  canRate: c.status === 'answered' && !c.rating,
})

Page({
  data: {
    elder: false, items: [], loading: false, kinds: consultations.KINDS, kindLabels: consultations.KINDS.map((k) => k.label),
    draft: { kindIndex: 0, title: '', content: '' }, itemCode: '', applicationId: '', busy: false,
  },
  onLoad(query) {
    this.setData({ itemCode: decodeURIComponent(query.item_code || ''), applicationId: query.application_id || '' })
  },
  onShow() {
    elder.apply(this)
    return this.refresh()
  },
  async refresh() {
    this.setData({ loading: true })
    try {
      const res = await consultations.list({ limit: elder.limit(20, 8) })
      this.setData({ items: (res.items || []).map(shape) })
    } finally {
      this.setData({ loading: false })
    }
  },
  onInput(e) {
    this.setData({ [`draft.${e.currentTarget.dataset.field}`]: e.detail.value })
  },
  async onSubmit() {
    const d = this.data.draft
    if (!d.title.trim() || d.content.trim().length < 5) {
      wx.showToast({ title: '请填写标题和不少于5个字的内容', icon: 'none' })
      return null
    }
    this.setData({ busy: true })
    try {
      const body = { kind: consultations.KINDS[Number(d.kindIndex)].value, title: d.title.trim(), content: d.content.trim() }
      if (this.data.itemCode) body.item_code = this.data.itemCode
      if (this.data.applicationId) body.application_id = this.data.applicationId
      const created = await consultations.create(body)
      wx.showToast({ title: '已提交', icon: 'success' })
      this.setData({ draft: { kindIndex: 0, title: '', content: '' } })
      await this.refresh()
      return created
    } catch (e) {
      return null
    } finally {
      this.setData({ busy: false })
    }
  },
  async onRate(e) {
    const { id, score } = e.currentTarget.dataset
    await consultations.rate({ id, score: Number(score) })
    wx.showToast({ title: '感谢评价', icon: 'success' })
    return this.refresh()
  },
})
