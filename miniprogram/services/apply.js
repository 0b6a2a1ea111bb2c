// The apply flow's rules, kept out of the page: material payload, what is still missing,
// create-then-submit (or resubmit after a correction notice).
const applications = require('./applications')

// {M01: {files: [{id}]}, M02: {license_id}} → [{code, file_ids}|{code, license_id}]
function materialsPayload(value) {
  return Object.keys(value || {}).map((code) => {
    const v = value[code] || {}
    if (v.license_id) return { code, license_id: v.license_id }
    if (v.files && v.files.length) return { code, file_ids: v.files.map((f) => f.id) }
    return null
  }).filter(Boolean)
}

// The reverse, for a case coming back for correction: [{code, file_ids|files|license_id}] → value map.
function valueFromMaterials(list) {
  const value = {}
  ;(list || []).forEach((m) => {
    if (m.license_id) value[m.code] = { license_id: m.license_id }
    else if (m.files || m.file_ids) value[m.code] = { files: m.files || m.file_ids.map((id) => ({ id, name: '已上传' })) }
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
  if (applicationId) return { id: applicationId }
  return applications.create({ item_code: itemCode, form, materials: materialsPayload(materials) })
}

async function submit({ itemCode, applicationId, form, materials }) {
  const payload = { form, materials: materialsPayload(materials) }
  if (applicationId) return applications.submit({ id: applicationId }, { body: payload })
  const draft = await applications.create({ item_code: itemCode, ...payload })
  return applications.submit({ id: draft.id }, { body: {} })
}

module.exports = { materialsPayload, valueFromMaterials, missingMaterials, saveDraft, submit }
