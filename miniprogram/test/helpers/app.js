// Runs app.js's App({...}) definition so that pages' getApp() works as in WeChat.
const path = require('path')

const ROOT = path.resolve(__dirname, '../..')

function launchApp() {
  let definition = null
  global.App = (def) => { definition = def }
  const file = path.join(ROOT, 'app.js')
  delete require.cache[require.resolve(file)]
  require(file)
  const app = { ...definition, globalData: { ...definition.globalData } }
  Object.keys(definition).forEach((k) => { if (typeof definition[k] === 'function') app[k] = definition[k].bind(app) })
  global.getApp = () => app
  app.onLaunch()
  return app
}

module.exports = { launchApp }
