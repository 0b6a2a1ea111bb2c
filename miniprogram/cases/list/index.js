const applications = require('../../services/applications')
const elder = require('../../utils/elder')
const { formatDate } = require('../../utils/date')

const TABS = [
  { status: '', label: '全部' },
  { status: 'needs_correction', label: '待补正' },
  { status: 'submitted', label: '审核中' },
  { status: 'completed', label: '已办结' },
]
const shape = (a) => ({ ...a, statusText: applications.statusLabel(a.status), date: formatDate(a.submitted_at || a.created_at) })

Page({
  data: { elder: false, tabs: TABS, tab: 0, items: [], cursor: null, done: false, loading: false },
  onShow() {
    elder.apply(this)
    return this.reload()
  },
  onReachBottom() {
    return this.more()
  },
  onTab(e) {
    this.setData({ tab: Number(e.currentTarget.dataset.index) })
    return this.reload()
  },
  reload() {
    this.setData({ items: [], cursor: null, done: false })
    return this.more()
  },
  async more() {
    if (this.data.loading || this.data.done) return
    this.setData({ loading: true })
    try {
      const page = await applications.list({ status: TABS[this.data.tab].status, cursor: this.data.cursor })
      this.setData({ items: this.data.items.concat((page.items || []).map(shape)), cursor: page.next_cursor || null, done: !page.next_cursor })
    } catch (e) {
      this.setData({ done: true })
    } finally {
      this.setData({ loading: false })
    }
  },
  onOpen(e) {
    wx.navigateTo({ url: `/cases/detail/index?id=${e.currentTarget.dataset.id}` })
  },
})
