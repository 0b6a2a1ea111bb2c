const auth = require('../../services/auth')
const session = require('../../utils/session')
const elder = require('../../utils/elder')

Page({
  data: { elder: false, status: 'loading', account: null, needPhone: false, needRealName: false, redirect: '' },
  onLoad(query) {
    this.setData({ redirect: query && query.redirect ? decodeURIComponent(query.redirect) : '' })
    return this.login()
  },
  onShow() {
    elder.apply(this)
  },
  // Silent: wx.login → auth/wechat/login, then GET me.
  async login() {
    this.setData({ status: 'loading' })
    try {
      await auth.silentLogin()
      const account = await auth.refreshMe()
      this.show(account)
      if (!this.data.needPhone && !this.data.needRealName) this.next()
    } catch (e) {
      this.setData({ status: 'failed' })
    }
  },
  show(account) {
    getApp().globalData.account = account
    this.setData({ status: 'done', account, needPhone: !account.phone, needRealName: (account.realname_level || 1) < 2 })
  },
  // <button open-type="getPhoneNumber" bindgetphonenumber="onGetPhoneNumber">
  async onGetPhoneNumber(e) {
    const code = e.detail && e.detail.code
    if (!code) {
      wx.showToast({ title: '未授权手机号，可稍后在“我的”页面绑定', icon: 'none' })
      return
    }
    try {
      const account = await auth.bindPhone({ code })
      session.setAccount(account)
      this.show(account)
    } catch (err) { /* toast shown */ }
  },
  onRealName() {
    wx.navigateTo({ url: '/me/real-name/index' })
  },
  onRetry() {
    return this.login()
  },
  next() {
    const url = this.data.redirect
    if (url && !url.startsWith('/pages/home') && !url.startsWith('/pages/me')) wx.redirectTo({ url })
    else wx.switchTab({ url: url || '/pages/home/index' })
  },
})
