// 长辈模式: larger type and touch targets, fewer items on screen. Persisted in storage.
const storage = require('./storage')

const KEY = 'sjt.elderMode'

const isOn = () => storage.get(KEY, false) === true

function set(on) {
  storage.set(KEY, Boolean(on))
  try {
    const app = getApp()
    if (app && app.globalData) app.globalData.elder = Boolean(on)
  } catch (e) { /* before App() in tests */ }
  return Boolean(on)
}

// How many entries a list shows in each mode.
const limit = (normal, elder) => (isOn() ? elder : normal)

// Call from a page's onShow: `elder.apply(this)` sets data.elder for the root class.
function apply(page) {
  const on = isOn()
  if (page.data.elder !== on) page.setData({ elder: on })
  return on
}

module.exports = { KEY, isOn, set, limit, apply }
