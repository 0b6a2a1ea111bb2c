// CONTRACT: every API operation the mini-program calls (the endpoints declared in services/, plus
// request.js's own refresh and re-login) exists in the committed spec api_docs/openapi.json.
const fs = require('fs')
const path = require('path')
const { install } = require('./helpers/wx-mock')

const wx = install()
const ROOT = path.resolve(__dirname, '..')
const spec = JSON.parse(fs.readFileSync(path.join(ROOT, '../api_docs/openapi.json'), 'utf8'))

// Operations that land with other branches (DESIGN.md's API map). The lead empties this list as
// branches merge; an entry that the spec already has fails the test, so it cannot go stale.
const PENDING = [
  // 寄递: app/delivery on branch issue4rest (commit 357aee3), shapes taken from there
]

const norm = (p) => p.replace(/\{[^}]+\}/g, '{}')
const specOps = new Set()
Object.keys(spec.paths).forEach((p) => {
  if (!p.startsWith('/api/v1/')) return
  Object.keys(spec.paths[p]).forEach((m) => specOps.add(`${m.toUpperCase()} ${norm(p.slice('/api/v1'.length))}`))
})

function collect() {
  const dir = path.join(ROOT, 'services')
  fs.readdirSync(dir).filter((f) => f.endsWith('.js')).forEach((f) => require(path.join(dir, f)))
  const { registry } = require('../utils/api')
  const { INTERNAL_ENDPOINTS } = require('../utils/request')
  return [...new Set(registry.map((fn) => `${fn.method} ${norm(fn.path)}`)
    .concat(INTERNAL_ENDPOINTS.map((e) => `${e.method} ${norm(e.path)}`)))].sort()
}

const used = collect()

describe('contract with api_docs/openapi.json', () => {
  test('collects the operations from services/', () => {
    expect(used.length).toBeGreaterThan(40)
    expect(used).toContain('POST /auth/wechat/login')
    expect(used).toContain('GET /me')
    expect(used).toContain('GET /messages')
  })

  test.each(used.filter((op) => !PENDING.includes(op)))('%s is in the spec', (op) => {
    expect(specOps.has(op)).toBe(true)
  })

  test('the pending list only names operations the mini-program uses and the spec lacks', () => {
    PENDING.forEach((op) => expect(used).toContain(op))
    expect(PENDING.filter((op) => specOps.has(op))).toEqual([])
  })

  test('no service calls the API except through a declared endpoint', () => {
    const offenders = []
    const scan = (dir) => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((e) => {
      const rel = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (!['node_modules', 'test', 'miniprogram_npm'].includes(e.name)) scan(rel)
      } else if (e.name.endsWith('.js') && !['utils/request.js', 'utils/api.js'].includes(rel)) {
        const src = fs.readFileSync(path.join(ROOT, rel), 'utf8')
        if (/wx\.(request|uploadFile)\(|require\(['"][./]*utils\/request['"]\)\.(request|upload)\b|\brequest\(\{/.test(src)) offenders.push(rel)
      }
    })
    scan('.')
    expect(offenders).toEqual([])
  })

  test('each endpoint builds the URL its template says', async () => {
    const { registry } = require('../utils/api')
    wx.responder = () => ({ statusCode: 200, data: {} })
    for (const fn of registry) {
      const params = {}
      ;(fn.path.match(/\{(\w+)\}/g) || []).forEach((k) => { params[k.slice(1, -1)] = 'X1' })
      if (fn.upload) await fn({ filePath: 'wxfile://x' })
      else await fn(params)
    }
    const seen = wx.calls.filter((c) => c.api === 'request' || c.api === 'uploadFile')
      .map((c) => `${c.args.method || 'POST'} ${new URL(c.args.url).pathname.replace('/api/v1', '').replace(/X1/g, '{}')}`)
    expect([...new Set(seen)].sort()).toEqual([...new Set(registry.map((fn) => `${fn.method} ${norm(fn.path)}`))].sort())
  })
})

module.exports = { PENDING }
