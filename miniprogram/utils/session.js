// The token pair and the logged-in account, kept in storage.
const storage = require('./storage')

const KEY = 'sjt.session'

function read() {
  return storage.get(KEY, {}) || {}
}

function save({ access_token, refresh_token, account }) {
  const current = read()
  const next = {
    accessToken: access_token || current.accessToken,
    refreshToken: refresh_token || current.refreshToken,
    account: account || current.account || null,
  }
  storage.set(KEY, next)
  return next
}

function setAccount(account) {
  storage.set(KEY, { ...read(), account })
}

module.exports = {
  accessToken: () => read().accessToken || null,
  refreshToken: () => read().refreshToken || null,
  account: () => read().account || null,
  isLoggedIn: () => Boolean(read().accessToken),
  save,
  setAccount,
  clear: () => storage.remove(KEY),
}
