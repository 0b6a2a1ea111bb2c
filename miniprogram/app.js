// 三晋通 mini-program: a silent WeChat login at launch; pages await `getApp().ready()`.
const auth = require('./services/auth')
const elder = require('./utils/elder')

App({
  globalData: { elder: false, account: null },
  onLaunch() {
    this.globalData.elder = elder.isOn()
    this._ready = auth.ensureLogin().then((account) => {
      this.globalData.account = account
      return account
    }).catch(() => null)
  },
  ready() {
    return this._ready || auth.ensureLogin()
  },
})
