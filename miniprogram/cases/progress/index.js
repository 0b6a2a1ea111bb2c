const applications = require('../../services/applications')
const elder = require('../../utils/elder')

// 办件进度公开查询: receipt number + query code, no login needed.
Page({
  data: { elder: false, receiptNo: '', queryCode: '', result: null, statusText: '', events: [] },
  onLoad(query) {
    this.setData({ receiptNo: query.receipt_no || '', queryCode: query.query_code || '' })
    if (query.receipt_no && query.query_code) return this.onQuery()
    return null
  },
  onShow() {
    elder.apply(this)
  },
  onInput(e) {
    this.setData({ [e.currentTarget.dataset.field]: e.detail.value.trim() })
  },
  async onQuery() {
    if (!this.data.receiptNo || !this.data.queryCode) {
      wx.showToast({ title: '请输入受理编号和查询码', icon: 'none' })
      return
    }
    const result = await applications.progress({ receipt_no: this.data.receiptNo, query_code: this.data.queryCode })
    this.setData({ result, statusText: result.status_label || applications.statusLabel(result.status), events: result.steps || result.timeline || [] })
  },
})
