// Declares an API operation once: `endpoint('POST', '/applications/{id}/submit')` returns
// fn(params, options) whose path placeholders come from params; the other params become the
// query string (GET/DELETE) or the JSON body (POST/PUT/PATCH). The contract test reads
// fn.method / fn.path of every service export.
const { request, upload } = require('./request')

const registry = []

function fill(template, params) {
  const rest = { ...(params || {}) }
  const path = template.replace(/\{(\w+)\}/g, (_, key) => {
    if (rest[key] === undefined || rest[key] === null || rest[key] === '') throw new Error(`missing path parameter ${key} for ${template}`)
    const value = rest[key]
    delete rest[key]
    return encodeURIComponent(value)
  })
  return { path, rest }
}

function endpoint(method, template, defaults = {}) {
  const fn = (params, options = {}) => {
    const { path, rest } = fill(template, params)
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(method)
    return request({
      ...defaults,
      ...options,
      method,
      path,
      query: hasBody ? options.query : rest,
      data: hasBody ? (options.body !== undefined ? options.body : rest) : undefined,
    })
  }
  fn.method = method
  fn.path = template
  registry.push(fn)
  return fn
}

// A multipart upload endpoint (wx.uploadFile).
function uploadEndpoint(template) {
  const fn = ({ filePath, name, ...formData }, options = {}) => {
    const { path } = fill(template, {})
    return upload({ path, filePath, name, formData, ...options })
  }
  fn.method = 'POST'
  fn.path = template
  fn.upload = true
  registry.push(fn)
  return fn
}

module.exports = { endpoint, uploadEndpoint, registry, fill }
