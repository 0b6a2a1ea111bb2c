// The apply form is rendered from the item's JSON Schema (form_schema): fields() turns it into
// widgets the page can loop over; validate() checks values with Chinese messages.
const ID_NUMBER = /^\d{17}[\dXx]$/
const PHONE = /^1\d{10}$/

function options(prop) {
  if (Array.isArray(prop.oneOf) && prop.oneOf.every((o) => 'const' in o)) {
    return prop.oneOf.map((o) => ({ value: o.const, label: o.title || String(o.const) }))
  }
  if (Array.isArray(prop.enum)) {
    const names = prop.enumNames || prop['x-enum-names'] || []
    return prop.enum.map((v, i) => ({ value: v, label: names[i] || String(v) }))
  }
  return null
}

function widget(prop) {
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type
  if (options(prop)) return 'select'
  if (type === 'boolean') return 'switch'
  if (type === 'integer' || type === 'number') return 'number'
  if (prop.format === 'date') return 'date'
  if (prop.format === 'textarea' || (prop.maxLength || 0) > 100) return 'textarea'
  return 'text'
}

// fields(schema) → [{name, label, help, widget, required, options, placeholder, example, inputType}]
function fields(schema) {
  const props = (schema && schema.properties) || {}
  const required = new Set((schema && schema.required) || [])
  const order = (schema && (schema['x-order'] || schema.order)) || Object.keys(props)
  return order.filter((name) => props[name]).map((name) => {
    const prop = props[name]
    const w = widget(prop)
    const opts = options(prop)
    const example = Array.isArray(prop.examples) && prop.examples.length ? prop.examples[0] : undefined
    return {
      name,
      label: prop.title || name,
      help: prop.description || '',
      widget: w,
      required: required.has(name),
      options: opts || [],
      optionLabels: (opts || []).map((o) => o.label),
      placeholder: prop['x-placeholder'] || (w === 'select' || w === 'date' ? '请选择'
        : (example !== undefined && w !== 'switch' ? `如：${example}` : `请输入${prop.title || ''}`)),
      example,
      inputType: w === 'number' ? (prop.type === 'integer' ? 'number' : 'digit')
        : (prop.format === 'id-number' || /\[\\dXx\]\$$/.test(prop.pattern || '') ? 'idcard' : 'text'),
    }
  })
}

function coerce(prop, value) {
  if (value === '' || value === undefined || value === null) return undefined
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type
  if (type === 'integer' || type === 'number') {
    const n = Number(value)
    return Number.isFinite(n) ? n : value
  }
  if (type === 'boolean') return value === true || value === 'true'
  return value
}

// values with numbers and booleans of the right type, empty fields dropped.
function normalise(schema, values) {
  const props = (schema && schema.properties) || {}
  const out = {}
  Object.keys(props).forEach((name) => {
    const v = coerce(props[name], values ? values[name] : undefined)
    if (v !== undefined) out[name] = v
  })
  return out
}

// validate(schema, values) → {field: message}; empty when the form can be submitted.
function validate(schema, values) {
  const props = (schema && schema.properties) || {}
  const required = (schema && schema.required) || []
  const data = normalise(schema, values)
  const errors = {}
  Object.keys(props).forEach((name) => {
    const prop = props[name]
    const label = prop.title || name
    const v = data[name]
    if (v === undefined) {
      if (required.includes(name)) errors[name] = `请填写${label}`
      return
    }
    const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type
    if ((type === 'integer' || type === 'number') && typeof v !== 'number') errors[name] = `${label}应为数字`
    else if (type === 'integer' && !Number.isInteger(v)) errors[name] = `${label}应为整数`
    else if (typeof v === 'number' && prop.minimum !== undefined && v < prop.minimum) errors[name] = `${label}不能小于${prop.minimum}`
    else if (typeof v === 'number' && prop.maximum !== undefined && v > prop.maximum) errors[name] = `${label}不能大于${prop.maximum}`
    else if (typeof v === 'string' && prop.minLength && v.length < prop.minLength) errors[name] = `${label}至少${prop.minLength}个字`
    else if (typeof v === 'string' && prop.maxLength && v.length > prop.maxLength) errors[name] = `${label}最多${prop.maxLength}个字`
    else if (typeof v === 'string' && prop.format === 'id-number' && !ID_NUMBER.test(v)) errors[name] = `${label}格式不正确`
    else if (typeof v === 'string' && prop.format === 'phone' && !PHONE.test(v)) errors[name] = `${label}格式不正确`
    else if (typeof v === 'string' && prop.pattern && !new RegExp(prop.pattern).test(v)) errors[name] = `${label}格式不正确`
    else if (options(prop) && !options(prop).some((o) => o.value === v)) errors[name] = `请选择${label}`
  })
  return errors
}

module.exports = { fields, validate, normalise }
