// Drives a `Page({...})` object without the WeChat runtime: captures the definition and gives
// it `data`, `setData` (with 'a.b' / 'a[0].b' paths), `options` and `route`.
const path = require('path')

const ROOT = path.resolve(__dirname, '../..')

function setPath(target, key, value) {
  const keys = key.replace(/\[(\d+)\]/g, '.$1').split('.')
  let obj = target
  for (let i = 0; i < keys.length - 1; i++) {
    if (obj[keys[i]] === undefined || obj[keys[i]] === null) obj[keys[i]] = /^\d+$/.test(keys[i + 1]) ? [] : {}
    obj = obj[keys[i]]
  }
  obj[keys[keys.length - 1]] = value
}

// jest keeps one module registry per test file, so a page module runs once: keep its definition.
const definitions = new Map()

function loadPage(route) {
  if (!definitions.has(route)) {
    global.Page = (def) => definitions.set(route, def)
    require(path.join(ROOT, `${route}.js`))
    if (!definitions.has(route)) throw new Error(`${route} did not call Page()`)
  }
  const definition = definitions.get(route)
  const page = { route, options: {} }
  Object.keys(definition).forEach((k) => {
    page[k] = typeof definition[k] === 'function' ? definition[k].bind(page) : definition[k]
  })
  page.data = JSON.parse(JSON.stringify(definition.data || {}))
  page.setData = (patch, cb) => {
    Object.keys(patch).forEach((k) => setPath(page.data, k, patch[k] === undefined ? undefined : JSON.parse(JSON.stringify(patch[k]))))
    if (cb) cb()
  }
  page.load = async (query = {}) => {
    page.options = query
    if (page.onLoad) await page.onLoad(query)
    if (page.onShow) await page.onShow()
    return page
  }
  // Simulates a bound event: page.fire('onTap', {dataset: {...}, detail: {...}})
  page.fire = (handler, { dataset = {}, detail = {} } = {}) => page[handler]({ currentTarget: { dataset }, target: { dataset }, detail })
  return page
}

module.exports = { loadPage, ROOT }
