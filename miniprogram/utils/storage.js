// Thin wrapper over wx storage so that a corrupt or missing key never throws.
function get(key, fallback = null) {
  try {
    const value = wx.getStorageSync(key)
    return value === '' || value === undefined || value === null ? fallback : value
  } catch (e) {
    return fallback
  }
}

function set(key, value) {
  try {
    wx.setStorageSync(key, value)
  } catch (e) { /* storage full: the feature degrades, the app keeps working */ }
}

function remove(key) {
  try {
    wx.removeStorageSync(key)
  } catch (e) { /* ignore */ }
}

module.exports = { get, set, remove }
