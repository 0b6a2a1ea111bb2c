// Local drafts of the application form, per item, so that nothing typed is lost.
const storage = require('./storage')

const key = (itemCode) => `sjt.draft.${itemCode}`

function load(itemCode) {
  return storage.get(key(itemCode), null)
}

function save(itemCode, { applicationId = null, form = {}, materials = {} }) {
  const draft = { applicationId, form, materials, savedAt: Date.now() }
  storage.set(key(itemCode), draft)
  return draft
}

const clear = (itemCode) => storage.remove(key(itemCode))

module.exports = { load, save, clear }
