// The apply flow's rules, kept out of the page: material payload, what is still missing,
// create-then-submit (or resubmit after a correction notice).
const applications = require('./applications')

// Picker value {M01: {files: [{id, name}]}, M02: {license_id}} → the API's
// {M01: {file_ids: [...]}, M02: {license_id}}; empty entries dropped.
function materialsPayload(value) {
  const out = {}
  Object.keys(value || {}).forEach((code) => {
    const v = value[code] || {}
    if (v.license_id) out[code] = { license_id: v.license_id }
    else if (v.files && v.files.length) out[code] = { file_ids: v.files.map((f) => f.id) }
  })
  return out
}

// The reverse, for a draft or a case back for correction.
function valueFromMaterials(materials) {
  const value = {}
  Object.keys(materials || {}).forEach((code) => {
    const m = materials[code] || {}
    if (m.license_id) value[code] = { license_id: m.license_id }
    else if (m.file_ids && m.file_ids.length) value[code] = { files: m.file_ids.map((id) => ({ id, name: '已上传' })) }
  })
  return value
}

function missingMaterials(materials, value) {
  return (materials || []).filter((m) => {
    if (!m.required) return false
    const v = (value || {})[m.code] || {}
    return !v.license_id && !(v.files && v.files.length)
  }).map((m) => m.name)
}

// Server-side draft (状态 draft) so the case survives a phone change.
async function saveDraft({ itemCode, applicationId, form, materials }) {
  const payload = { form, materials: materialsPayload(materials) }
  if (applicationId) return applications.update({ id: applicationId }, { body: payload })
  const created = await applications.create({ item_code: itemCode, ...payload })
  return created.items[0]
}

// New case: create then submit. Draft or correction: save the changes, then (re)submit.
// `onDraft(id)` hears the draft's id before submitting, so a refused submit is retried on the
// same draft instead of creating another.
async function submit({ itemCode, applicationId, form, materials, onDraft }) {
  const draft = await saveDraft({ itemCode, applicationId, form, materials })
  if (onDraft) onDraft(draft.id)
  return applications.submit({ id: draft.id }, { body: {} })
}

// APPLICATION_INCOMPLETE's details.fields ([{field: 'form.x' | 'materials.M01', message, type}])
// → {form: {x: message}, materials: [{material_code, reason}]} for the form and the picker.
function problemsFrom(error) {
  const out = { form: {}, materials: [] }
  const fields = (error && error.details && error.details.fields) || []
  fields.forEach((p) => {
    const [scope, name] = String(p.field || '').split('.')
    const reason = String(p.message || '').replace(/^[^：]*：/, '') || '需要处理'
    if (scope === 'form' && name) out.form[name] = p.message || reason
    else if (scope === 'materials' && name) out.materials.push({ material_code: name, reason })
  })
  return out
}

module.exports = { materialsPayload, valueFromMaterials, missingMaterials, saveDraft, submit, problemsFrom }
