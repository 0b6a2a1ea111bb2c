const auth = require('../../services/auth')
const session = require('../../utils/session')
const elder = require('../../utils/elder')

const ID_NUMBER = /^\d{17}[\dXx]$/

Page({
  data: { elder: false, name: '', idNumber: '', errors: {}, busy: false },
  onShow() {
    elder.apply(this)
  },
  onInput(e) {
    this.setData({ [e.currentTarget.dataset.field]: e.detail.value.trim() })
  },
  validate() {
    const errors = {}
    if (!/^[\u4e00-\u9fa5·]{2,20}$/.test(this.data.name)) errors.name = '请填写与身份证一致的姓名'
    if (!ID_NUMBER.test(this.data.idNumber)) errors.idNumber = '身份证号码应为18位'
    this.setData({ errors })
    return Object.keys(errors).length === 0
  },
  async onSubmit() {
    if (!this.validate()) return
    this.setData({ busy: true })
    try {
      const result = await auth.realName({ name: this.data.name, id_number: this.data.idNumber.toUpperCase() })
      const { claimed, tokens, ...account } = result
      // `claimed`: this person already had an account (set up by an agent at a service point);
      // the phone now logs into that one, with the new token pair.
      if (claimed && tokens) session.save({ ...tokens, account })
      else session.setAccount(account)
      wx.showToast({ title: claimed ? '已关联您的账号' : '实名认证成功', icon: 'success' })
      wx.navigateBack()
    } catch (e) { /* toast shown */ } finally {
      this.setData({ busy: false })
    }
  },
})
