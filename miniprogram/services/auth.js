// Logins, the current account, real-name verification, QR login confirmation on the phone.
const { endpoint } = require('../utils/api')
const { wechatLogin } = require('../utils/request')
const session = require('../utils/session')

const api = {
  me: endpoint('GET', '/me'),
  bindPhone: endpoint('POST', '/auth/wechat/phone'), // {code} from the phone-number button → account
  realName: endpoint('POST', '/me/real-name'), // {name, id_number} → account (+ claimed, tokens when an agent-made account is claimed)
  logout: endpoint('POST', '/auth/logout'), // revokes this login's tokens
  qrScan: endpoint('POST', '/auth/qr/{ticket}/scan'), // → requesting device and place
  qrConfirm: endpoint('POST', '/auth/qr/{ticket}/confirm'),
  qrCancel: endpoint('POST', '/auth/qr/{ticket}/cancel'),
}

// Silent login: wx.login → auth/wechat/login, tokens and account stored.
async function silentLogin() {
  const result = await wechatLogin()
  return result.account
}

async function ensureLogin() {
  if (session.isLoggedIn()) return session.account()
  return silentLogin()
}

async function refreshMe() {
  const account = await api.me()
  session.setAccount(account)
  return account
}

async function signOut() {
  try {
    await api.logout({}, { silent: true })
  } finally {
    session.clear()
  }
}

module.exports = { ...api, silentLogin, ensureLogin, refreshMe, signOut }
