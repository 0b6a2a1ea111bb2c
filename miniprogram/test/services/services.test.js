const fs = require('fs')
const path = require('path')
const { install, router } = require('../helpers/wx-mock')

let wx = install()
const config = require('../../config')
const apply = require('../../services/apply')
const applications = require('../../services/applications')
const appointments = require('../../services/appointments')
const auth = require('../../services/auth')
const payments = require('../../services/payments')
const scan = require('../../services/scan')
const wallet = require('../../services/wallet')
const session = require('../../utils/session')
const { fill } = require('../../utils/api')

beforeEach(() => { wx = install() })

describe('endpoint()', () => {
  test('path parameters are filled and encoded; the rest is query (GET) or body (POST)', async () => {
    wx.responder = () => ({ statusCode: 200, data: {} })
    await applications.evaluate({ id: 'a/1', score: 5, comment: '好' })
    await applications.list({ status: 'completed', cursor: 'c1' })
    const [post, get] = wx.requests()
    expect(post.url).toMatch(/\/api\/v1\/applications\/a%2F1\/evaluation$/)
    expect(post.data).toEqual({ score: 5, comment: '好' })
    expect(get.url).toMatch(/\/api\/v1\/applications\?status=completed&cursor=c1$/)
    expect(get.data).toBeUndefined()
    expect(() => fill('/applications/{id}', {})).toThrow('missing path parameter id')
  })

  test('booking sends an Idempotency-Key', async () => {
    wx.responder = () => ({ statusCode: 201, data: { id: 'ap' } })
    await appointments.book({ hall_id: 'h', item_code: 'i', slot_id: 's' }, 'key-1')
    expect(wx.requests()[0]).toMatchObject({ data: { hall_id: 'h', item_code: 'i', slot_id: 's' }, header: expect.objectContaining({ 'Idempotency-Key': 'key-1' }) })
  })
})

describe('auth', () => {
  test('ensureLogin logs in silently only when there is no session', async () => {
    wx.responder = router({ 'POST /api/v1/auth/wechat/login': { statusCode: 200, data: { access_token: 'a', refresh_token: 'r', account: { id: 'acc-1' } } } })
    session.clear()
    expect(await auth.ensureLogin()).toEqual({ id: 'acc-1' })
    expect(await auth.ensureLogin()).toEqual({ id: 'acc-1' })
    expect(wx.callsOf('login')).toHaveLength(1)
  })

  test('signOut clears the session even when the server call fails', async () => {
    session.save({ access_token: 'a', refresh_token: 'r' })
    wx.responder = () => ({ statusCode: 500, data: {} })
    await expect(auth.signOut()).rejects.toBeTruthy()
    expect(session.isLoggedIn()).toBe(false)
  })
})

describe('applications', () => {
  test.each([
    ['draft', { canEdit: true, canWithdraw: true, canRate: false }],
    ['needs_correction', { canEdit: true, canWithdraw: true }],
    ['accepted', { canEdit: false, canWithdraw: false }],
    ['completed', { canRate: true }],
  ])('%s allows %o', (status, expected) => {
    expect(applications.actions({ status })).toMatchObject(expected)
  })
  test('no second rating; payment only when due', () => {
    const done = { status: 'completed', fee_fen: 0, paid: false }
    expect(applications.actions(done).canRate).toBe(true)
    expect(applications.actions(done, { evaluations: [{ kind: 'initial', score: 5 }] })).toMatchObject({ canRate: false, canSupplement: true })
    expect(applications.actions(done, { evaluations: [{ kind: 'initial' }, { kind: 'supplement' }] })).toMatchObject({ canRate: false, canSupplement: false })
    // the API's fee_due: accepted or approved, unpaid, with a fee
    expect(applications.actions({ status: 'accepted', fee_fen: 8000, paid: false }).canPay).toBe(true)
    expect(applications.actions({ status: 'approved', fee_fen: 8000, paid: true }).canPay).toBe(false)
    expect(applications.actions({ status: 'submitted', fee_fen: 8000, paid: false }).canPay).toBe(false)
    expect(applications.actions({ status: 'completed', fee_fen: 8000, paid: false }).canPay).toBe(false)
    expect(applications.actions({ status: 'approved', fee_fen: 0, paid: false }).canPay).toBe(false)
    expect(applications.statusLabel('needs_correction')).toBe('待补正')
  })
})

describe('apply', () => {
  test('material payload, its reverse and what is missing', () => {
    const value = { M01: { license_id: 'l1' }, M02: { files: [{ id: 'f1' }, { id: 'f2' }] }, M03: {} }
    expect(apply.materialsPayload(value)).toEqual({ M01: { license_id: 'l1' }, M02: { file_ids: ['f1', 'f2'] } })
    expect(apply.valueFromMaterials(apply.materialsPayload(value))).toEqual({ M01: { license_id: 'l1' }, M02: { files: [{ id: 'f1', name: '已上传' }, { id: 'f2', name: '已上传' }] } })
    const materials = [{ code: 'M01', name: '身份证', required: true }, { code: 'M03', name: '户口簿', required: true }, { code: 'M04', name: '委托书', required: false }]
    expect(apply.missingMaterials(materials, value)).toEqual(['户口簿'])
  })
})

describe('wallet', () => {
  test('only valid licences of the material type stand in for it', () => {
    const licences = [{ id: 1, type: 'id_card', status: 'valid' }, { id: 2, type: 'id_card', status: 'revoked' }, { id: 3, type: 'hukou', status: 'valid' }]
    expect(wallet.matchingLicences(licences, { license_type: 'id_card' }).map((l) => l.id)).toEqual([1])
    expect(wallet.matchingLicences(licences, { license_type: null })).toEqual([])
  })
})

describe('payments', () => {
  test('waitForResult polls while the order is still created', async () => {
    jest.useFakeTimers()
    const states = ['created', 'created', 'paid']
    wx.responder = () => ({ statusCode: 200, data: { id: 'p', state: states.shift(), amount_fen: 100 } })
    const p = payments.waitForResult('p', { tries: 5, intervalMs: 1000 })
    await jest.advanceTimersByTimeAsync(3000)
    await expect(p).resolves.toMatchObject({ state: 'paid' })
    jest.useRealTimers()
    expect(wx.requests()).toHaveLength(3)
  })
})

describe('scan', () => {
  test('routes by prefix', () => {
    expect(scan.route('SJT1:Q:a b').url).toBe('/scan/login/index?ticket=a%20b')
    expect(scan.route('SJT1:D:x').url).toBe('/scan/delegation/index?ticket=x')
    expect(scan.route('SJT1:A:x').message).toMatch(/预约签到码/)
  })
})

describe('config', () => {
  test('subscribe template ids match the backend (app/notifications/templates.py)', () => {
    const py = fs.readFileSync(path.resolve(__dirname, '../../../app/notifications/templates.py'), 'utf8')
    const backend = {}
    for (const m of py.matchAll(/"(\w+)": "(SJT-TPL-[A-Z]+)"/g)) backend[m[1]] = m[2]
    expect(config.templates).toEqual(backend)
  })
})
