const auth = require('../../services/auth')
const session = require('../../utils/session')
const elder = require('../../utils/elder')

const LEVELS = { 1: '未实名', 2: '已实名', 3: '已实名（人脸核验）' }

Page({
  data: { elder: false, account: null, levelLabel: '' },
  async onShow() {
    elder.apply(this)
    await getApp().ready()
    const cached = session.account()
    if (cached) this.showAccount(cached)
    try {
      this.showAccount(await auth.refreshMe())
    } catch (e) { /* toast shown; cached data stays */ }
  },
  showAccount(account) {
    this.setData({ account, levelLabel: LEVELS[account.realname_level] || '' })
  },
  // 长辈模式 switch: persisted, applied at once.
  onElder(e) {
    elder.set(e.detail.value)
    elder.apply(this)
    wx.showToast({ title: e.detail.value ? '已开启长辈模式' : '已关闭长辈模式', icon: 'none' })
  },
  go(e) {
    wx.navigateTo({ url: e.currentTarget.dataset.url })
  },
  async onLogout() {
    await auth.signOut()
    wx.reLaunch({ url: '/pages/login/index' })
  },
})
