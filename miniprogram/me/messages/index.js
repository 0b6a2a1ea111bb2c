const messages = require('../../services/messages')
const { pageFor } = require('../../utils/links')
const elder = require('../../utils/elder')
const { formatDateTime } = require('../../utils/date')

const shape = (m) => ({ ...m, time: formatDateTime(m.created_at) })

Page({
  data: { elder: false, items: [], unread: 0, cursor: null, done: false, loading: false },
  onLoad() {
    return this.reload()
  },
  onShow() {
    elder.apply(this)
  },
  async onPullDownRefresh() {
    await this.reload()
    wx.stopPullDownRefresh()
  },
  onReachBottom() {
    return this.more()
  },
  async reload() {
    this.setData({ items: [], cursor: null, done: false })
    return this.more()
  },
  async more() {
    if (this.data.loading || this.data.done) return
    this.setData({ loading: true })
    try {
      const page = await messages.list({ cursor: this.data.cursor, limit: elder.limit(20, 10) })
      this.setData({
        items: this.data.items.concat(page.items.map(shape)),
        unread: page.unread,
        cursor: page.next_cursor || null,
        done: !page.next_cursor,
      })
    } finally {
      this.setData({ loading: false })
    }
  },
  async onOpen(e) {
    const index = Number(e.currentTarget.dataset.index)
    const msg = this.data.items[index]
    if (!msg.read) {
      await messages.read({ id: msg.id })
      this.setData({ [`items[${index}].read`]: true, unread: Math.max(0, this.data.unread - 1) })
    }
    const url = pageFor(msg.link)
    if (url) wx.navigateTo({ url })
  },
  async onReadAll() {
    await messages.readAll({})
    this.setData({ items: this.data.items.map((m) => ({ ...m, read: true })), unread: 0 })
  },
})
