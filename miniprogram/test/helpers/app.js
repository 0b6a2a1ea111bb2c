// Runs app.js's App({...}) definition so that pages' getApp() works as in WeChat.
const path = require('path')

const ROOT = path.resolve(__dirname, '../..')

let definition = null

function launchApp() {
  if (!definition) {
    global.App = (def) => { definition = def }
    require(path.join(ROOT, 'app.js'))
  }
  const app = { ...definition, globalData: { ...definition.globalData } }
  Object.keys(definition).forEach((k) => { if (typeof definition[k] === 'function') app[k] = definition[k].bind(app) })
  global.getApp = () => app
  app.onLaunch()
  return app
}

module.exports = { launchApp }
