// Page objects against a recorded `wx` whose API answers come from a router (the shapes the
// other branches are building; the flow test runs the same pages against the real API).
const { install, router } = require('../helpers/wx-mock')
const { loadPage } = require('../helpers/page')

let wx = install()
const session = require('../../utils/session')
const elder = require('../../utils/elder')

const ITEM = {
  // GET items/{code}'s shape (ItemDetail in api_docs/openapi.json)
  code: '140100-07-0101', name: '户口迁移', department: '公安', type: '行政确认', online_depth: 4, online_depth_label: '全程网办',
  mobile_enabled: true, bookable: true, deliverable: true, conditions: '本省户籍居民',
  limits: { legal_days: 20, promised_days: 5, visits: 0 }, fee: { charged: false, amount_fen: 0, basis: '', nontax_code: null },
  form_schema: {
    type: 'object', required: ['reason', 'people'],
    properties: {
      reason: { type: 'string', title: '迁移原因', enum: ['work', 'marriage'], enumNames: ['工作调动', '投靠配偶'] },
      people: { type: 'integer', title: '迁移人数', minimum: 1 },
    },
  },
  materials: [
    { code: 'M01', name: '居民身份证', required: true, license_type: 'id_card', license_name: '居民身份证', format: '电子版', copies: 1, original: 'original', original_label: '原件', sample_url: null, template_url: null },
    { code: 'M02', name: '结婚证', required: false, condition: '投靠配偶时', license_type: null, license_name: null, format: '电子版', copies: 1, original: 'copy', original_label: '复印件', sample_url: '/api/v1/items/140100-07-0101/materials/M02/sample', template_url: null },
  ],
  halls: [{ id: 'hall-1', name: '太原市政务服务中心', address: '长风街', phone: '0351-1234567', latitude: 37.8, longitude: 112.5 }],
}

const path = (r) => `${r.method} ${new URL(r.url).pathname.replace('/api/v1', '')}`
const paths = () => wx.requests().map(path)

beforeEach(() => {
  wx = install()
  global.getApp = () => ({ globalData: {}, ready: async () => ({ id: 'acc-1' }) })
  session.save({ access_token: 'tok', refresh_token: 'ref' })
})

describe('home', () => {
  const routes = () => router({
    'GET /api/v1/items': (o, url) => ({ statusCode: 200, data: { items: Array.from({ length: Number(url.searchParams.get('limit')) }, (_, i) => ({ code: `I${i}`, name: `事项${i}` })) } }),
    'GET /api/v1/bundles': { statusCode: 200, data: { items: [{ code: 'newborn', name: '新生儿出生一件事', audience: 'person', item_count: 5, promised_days: 10, department: '卫健', description: '' }] } },
    'GET /api/v1/applications': { statusCode: 200, data: { items: [
      { id: 'a1', item_name: '户口迁移', item_code: 'X', status: 'needs_correction', fee_fen: 0, paid: false },
      { id: 'a2', item_name: '不动产登记', item_code: 'Y', status: 'accepted', fee_fen: 8000, paid: false },
      { id: 'a3', item_name: '营业执照', item_code: 'Z', status: 'accepted', fee_fen: 8000, paid: true },
    ] } },
    'GET /api/v1/messages': { statusCode: 200, data: { items: [{ id: 'm1', title: '已受理' }], unread: 3 } },
  })

  test('sections load independently: a missing service does not blank the page or toast', async () => {
    wx.responder = routes() // appointments list missing → 404
    const page = await loadPage('pages/home/index').load({})
    expect(page.data.hot).toHaveLength(8)
    expect(page.data.bundles[0].name).toBe('新生儿出生一件事')
    expect(page.data.todos).toEqual([
      { kind: 'correction', title: '户口迁移需补正材料', url: '/apply/form/index?id=a1&code=X' },
      { kind: 'payment', title: '不动产登记待缴费', url: '/pay/pay/index?application_id=a2' },
    ])
    expect(page.data.unread).toBe(3)
    expect(page.data.failed).toBe(1)
    expect(wx.toasts()).toEqual([])
  })

  test('elder mode: fewer items and the elder class', async () => {
    wx.responder = routes()
    elder.set(true)
    const page = await loadPage('pages/home/index').load({})
    expect(page.data.elder).toBe(true)
    expect(page.data.hot).toHaveLength(4)
    page.fire('onItem', { dataset: { code: 'I1' } })
    expect(wx.callsOf('navigateTo')[0].url).toBe('/catalog/guide/index?code=I1')
  })
})

describe('login', () => {
  test('silent login, then the phone-number button binds the phone', async () => {
    let phone = null
    wx.responder = router({
      'POST /api/v1/auth/wechat/login': { statusCode: 200, data: { access_token: 'a', refresh_token: 'r', account: { id: 'acc-1' } } },
      'GET /api/v1/me': () => ({ statusCode: 200, data: { id: 'acc-1', display_name: '张晓明', realname_level: 1, phone } }),
      'POST /api/v1/auth/wechat/phone': (o) => { phone = '138****0000'; return { statusCode: 200, data: { id: 'acc-1', display_name: '张晓明', realname_level: 1, phone, echo: o.data.code } } },
    })
    session.clear()
    const page = await loadPage('pages/login/index').load({})
    expect(page.data).toMatchObject({ status: 'done', needPhone: true, needRealName: true })
    await page.onGetPhoneNumber({ detail: {} })
    expect(wx.toasts()[0]).toMatch(/未授权手机号/)
    await page.onGetPhoneNumber({ detail: { code: 'phone-code-1' } })
    expect(wx.requests().find((r) => path(r) === 'POST /auth/wechat/phone').data).toEqual({ code: 'phone-code-1' })
    expect(page.data.needPhone).toBe(false)
  })
})

describe('catalogue guide', () => {
  test('guide sections, halls, apply and book buttons', async () => {
    wx.responder = router({ [`GET /api/v1/items/${encodeURIComponent(ITEM.code)}`]: { statusCode: 200, data: ITEM } })
    const page = await loadPage('catalog/guide/index').load({ code: ITEM.code })
    expect(page.data).toMatchObject({ fee: '不收费', timeLimit: '法定20个工作日，承诺5个工作日，零跑动', canApply: true, canBook: true, depthLabel: '全程网办' })
    expect(page.data.materials.map((m) => [m.requiredLabel, m.walletLabel])).toEqual([['必需', '可用电子证照（居民身份证）免提交'], ['视情形：投靠配偶时', '']])
    // the sample is a PDF the API generates: downloaded, then opened
    page.fire('onSample', { dataset: { url: ITEM.materials[1].sample_url } })
    await new Promise((r) => setTimeout(r, 0))
    expect(wx.callsOf('downloadFile')[0].url).toBe(`http://127.0.0.1:8000${ITEM.materials[1].sample_url}`)
    expect(wx.callsOf('openDocument')[0]).toMatchObject({ fileType: 'pdf' })
    page.fire('onMap', { dataset: { index: 0 } })
    expect(wx.callsOf('openLocation')[0]).toMatchObject({ name: '太原市政务服务中心' })
    page.onBook()
    expect(wx.callsOf('navigateTo')[0].url).toBe(`/appointments/book/index?code=${encodeURIComponent(ITEM.code)}`)
  })
})

describe('apply', () => {
  const itemRoute = `GET /api/v1/items/${encodeURIComponent(ITEM.code)}`

  test('form from the schema, validation, drafts, wallet 免提交, subscribe then submit', async () => {
    const bodies = {}
    wx.responder = router({
      [itemRoute]: { statusCode: 200, data: ITEM },
      'GET /api/v1/wallet/licenses': { statusCode: 200, data: { items: [{ id: 'lic-1', type: 'id_card', type_name: '居民身份证', identifier: '1401**********1234', status: 'valid', status_label: '有效' }] } },
      'POST /api/v1/applications': (o) => { bodies.create = o.data; return { statusCode: 201, data: { group_id: 'g1', items: [{ id: 'app-1', status: 'draft' }] } } },
      'POST /api/v1/applications/app-1/submit': (o) => { bodies.submit = o.data; return { statusCode: 200, data: { id: 'app-1', status: 'submitted' } } },
    })
    const page = await loadPage('apply/form/index').load({ code: ITEM.code })
    expect(page.data.fields.map((f) => f.widget)).toEqual(['select', 'number'])
    expect(page.data.licences).toHaveLength(1)

    await page.onSubmit()
    expect(page.data.errors).toEqual({ reason: '请填写迁移原因', people: '请填写迁移人数' })
    expect(wx.requests().filter((r) => r.method === 'POST')).toHaveLength(0)

    page.fire('onField', { dataset: { name: 'reason', widget: 'select' }, detail: { value: '1' } })
    page.fire('onField', { dataset: { name: 'people' }, detail: { value: '2' } })
    expect(wx.storage[`sjt.draft.${ITEM.code}`].form).toEqual({ reason: 'marriage', people: '2' })

    await page.onSubmit()
    expect(wx.toasts().pop()).toBe('请提供：居民身份证')

    page.onMaterials({ detail: { value: { M01: { license_id: 'lic-1' } } } })
    const result = await page.onSubmit()
    expect(result.id).toBe('app-1')
    const order = wx.calls.map((c) => c.api).filter((a) => ['requestSubscribeMessage', 'request'].includes(a))
    expect(order.indexOf('requestSubscribeMessage')).toBeLessThan(order.lastIndexOf('request'))
    expect(bodies.create).toEqual({ item_code: ITEM.code, form: { reason: 'marriage', people: 2 }, materials: { M01: { license_id: 'lic-1' } } })
    expect(bodies.submit).toEqual({})
    expect(wx.callsOf('redirectTo')[0].url).toBe('/cases/detail/index?id=app-1')
    expect(wx.storage[`sjt.draft.${ITEM.code}`]).toBeUndefined()
  })

  test('a draft is restored when the page opens again', async () => {
    wx.responder = router({ [itemRoute]: { statusCode: 200, data: ITEM }, 'GET /api/v1/wallet/licenses': { statusCode: 200, data: { items: [] } } })
    wx.storage[`sjt.draft.${ITEM.code}`] = { applicationId: null, form: { people: '3' }, materials: {} }
    const page = await loadPage('apply/form/index').load({ code: ITEM.code })
    expect(page.data.restored).toBe(true)
    expect(page.data.form).toEqual({ people: '3' })
  })

  test('a correction: the one-time list is shown and resubmission goes to the same case', async () => {
    let resubmitted = null
    wx.responder = router({
      [itemRoute]: { statusCode: 200, data: ITEM },
      'GET /api/v1/wallet/licenses': { statusCode: 500, data: {} },
      'GET /api/v1/applications/app-7': { statusCode: 200, data: {
        id: 'app-7', item_code: ITEM.code, status: 'needs_correction', form: { reason: 'work', people: 1 },
        materials: { M01: { file_ids: ['f-old'] } },
        corrections: [{ material_code: 'M01', field: null, name: '居民身份证', reason: '反面不清晰' }], decision_reason: '请一次补齐',
      } },
      'PATCH /api/v1/applications/app-7': (o) => { resubmitted = o.data; return { statusCode: 200, data: { id: 'app-7', status: 'needs_correction' } } },
      'POST /api/v1/applications/app-7/submit': { statusCode: 200, data: { id: 'app-7', status: 'submitted' } },
    })
    const page = await loadPage('apply/form/index').load({ id: 'app-7' })
    expect(page.data.corrections).toEqual([{ material_code: 'M01', field: null, name: '居民身份证', reason: '反面不清晰' }])
    expect(page.data.value).toEqual({ M01: { files: [{ id: 'f-old', name: '已上传' }] } })
    expect(page.data.correctionNote).toBe('请一次补齐')
    expect(wx.toasts()).toEqual([]) // the wallet failing is not the resident's problem here
    page.onMaterials({ detail: { value: { M01: { files: [{ id: 'f-new' }] } } } })
    await page.onSubmit()
    expect(resubmitted).toEqual({ form: { reason: 'work', people: 1 }, materials: { M01: { file_ids: ['f-new'] } } })
    expect(paths().filter((p) => p.startsWith('PATCH') || p.startsWith('POST'))).toEqual(['PATCH /applications/app-7', 'POST /applications/app-7/submit'])
  })
})

describe('cases', () => {
  test('timeline, rating (bad ratings need a reason), delivery by mail', async () => {
    const posted = {}
    let delivery = null
    let app = { id: 'app-1', item_code: ITEM.code, item_name: '户口迁移', region_code: '140105', status: 'completed', status_label: '已办结', fee_fen: 0, paid: false, urgency: 'none', corrections: [],
      timeline: [{ action: 'complete', label: '已办结', at: '2026-11-20T02:00:00Z', note: '', from_status: 'approved', to_status: 'completed' }] }
    const evaluations = []
    const rated = (o, kind) => {
      evaluations.push({ id: `e${evaluations.length}`, kind, score: o.data.score, score_label: o.data.score === 2 ? '不满意' : '满意', comment: o.data.comment, aspects: o.data.aspects })
      return { statusCode: 201, data: { evaluations, rectifications: [] } }
    }
    wx.responder = router({
      'GET /api/v1/applications/app-1': () => ({ statusCode: 200, data: app }),
      [`GET /api/v1/items/${encodeURIComponent(ITEM.code)}`]: { statusCode: 200, data: ITEM }, // deliverable comes from the item
      'GET /api/v1/applications/app-1/evaluation': () => ({ statusCode: 200, data: { evaluations, rectifications: [] } }),
      'POST /api/v1/applications/app-1/evaluation': (o) => { posted.evaluation = o.data; return rated(o, 'initial') },
      'POST /api/v1/applications/app-1/evaluation/supplement': (o) => { posted.supplement = o.data; return rated(o, 'supplement') },
      'GET /api/v1/applications/app-1/delivery': () => (delivery ? { statusCode: 200, data: delivery } : { statusCode: 404, data: { error: { code: 'DELIVERY_NOT_FOUND', message: '尚未选择取件方式' } } }),
      'POST /api/v1/applications/app-1/delivery': (o) => {
        posted.delivery = o.data
        delivery = { id: 'd1', application_id: 'app-1', item_name: '户口迁移', method: 'mail', status: 'shipped', status_label: '已交寄', changeable: false, hall_name: '太原市政务服务中心',
          pickup_code: null, address: { recipient: '张*明', phone: '138****0000', region_code: '140105', detail: o.data.address.detail }, courier: 'EMS', tracking_no: 'SIM123',
          dispatched_at: '2026-11-20T03:00:00Z', finished_at: null, events: [{ status: 'shipped', label: '已交寄', note: '', at: '2026-11-20T03:00:00Z' }] }
        return { statusCode: 200, data: delivery }
      },
    })
    const page = await loadPage('cases/detail/index').load({ id: 'app-1' })
    expect(page.data.actions).toMatchObject({ canRate: true, canSupplement: false, canChooseDelivery: true, canWithdraw: false, canPay: false })
    expect(page.data.events).toHaveLength(1)
    await page.onRate()
    expect(wx.toasts().pop()).toBe('请选择评价等级')
    page.fire('onScore', { dataset: { score: 2 } })
    await page.onRate()
    expect(wx.toasts().pop()).toMatch(/不满意的原因/)
    page.onComment({ detail: { value: '等待时间太长' } })
    page.fire('onAspect', { dataset: { value: 'guidance_clear' } })
    await page.onRate()
    expect(posted.evaluation).toEqual({ score: 2, comment: '等待时间太长', aspects: ['guidance_clear'] })
    expect(page.data.actions).toMatchObject({ canRate: false, canSupplement: true })
    expect(page.data.evaluations[0]).toMatchObject({ kindText: '评价', score_label: '不满意' })
    // 追评 once
    page.fire('onScore', { dataset: { score: 4 } })
    await page.onRate()
    expect(posted.supplement).toEqual({ score: 4, comment: '', aspects: [] })
    expect(page.data.actions).toMatchObject({ canRate: false, canSupplement: false })

    page.onDeliveryMethod({ detail: { value: 'mail' } })
    await page.onDelivery()
    expect(posted.delivery).toBeUndefined()
    page.fire('onAddress', { dataset: { field: 'name' }, detail: { value: '张晓明' } })
    page.fire('onAddress', { dataset: { field: 'phone' }, detail: { value: '13800000000' } })
    page.fire('onAddress', { dataset: { field: 'detail' }, detail: { value: '太原市小店区长风街1号' } })
    await page.onDelivery()
    expect(posted.delivery).toEqual({ method: 'mail', address: { recipient: '张晓明', phone: '13800000000', region_code: '140105', detail: '太原市小店区长风街1号' } })
    expect(page.data.delivery).toMatchObject({ status_label: '已交寄', tracking_no: 'SIM123' })
    expect(page.data.deliveryEvents[0].title).toBe('已交寄')
    expect(page.data.actions.canChooseDelivery).toBe(false) // dispatched: no more changes
  })

  test('public progress query needs no token', async () => {
    wx.responder = router({ 'GET /api/v1/progress': (o, url) => ({ statusCode: 200, data: { item_name: '户口迁移', status: 'accepted', status_label: '已受理', applicant: '张*明', receipt_no: url.searchParams.get('receipt_no'), steps: [{ label: '已受理', at: '2026-11-20T02:00:00Z', status: 'accepted' }] } }) })
    const page = await loadPage('cases/progress/index').load({ receipt_no: 'SX001', query_code: '1234' })
    expect(page.data.statusText).toBe('已受理')
    expect(page.data.events).toHaveLength(1)
    expect(wx.requests()[0].header.Authorization).toBeUndefined()
  })
})

describe('apply: the server\'s completeness check', () => {
  test('APPLICATION_INCOMPLETE marks every field and material it names; the retry reuses the draft', async () => {
    const calls = []
    let submits = 0
    wx.responder = router({
      [`GET /api/v1/items/${encodeURIComponent(ITEM.code)}`]: { statusCode: 200, data: ITEM },
      'GET /api/v1/wallet/licenses': { statusCode: 200, data: { items: [] } },
      'POST /api/v1/applications': () => { calls.push('create'); return { statusCode: 201, data: { group_id: 'g1', items: [{ id: 'app-9', status: 'draft' }] } } },
      'PATCH /api/v1/applications/app-9': () => { calls.push('patch'); return { statusCode: 200, data: { id: 'app-9', status: 'draft' } } },
      'POST /api/v1/applications/app-9/submit': () => {
        calls.push('submit')
        submits += 1
        if (submits > 1) return { statusCode: 200, data: { id: 'app-9', status: 'submitted' } }
        return { statusCode: 422, data: { error: { code: 'APPLICATION_INCOMPLETE', message: '申请材料或表单不完整，共 2 处需要处理', details: { fields: [
          { field: 'form.people', message: '迁移人数：应不小于 1', type: 'minimum' },
          { field: 'materials.M01', message: '居民身份证：文件无法识别', type: 'faulty', material_code: 'M01' },
        ] } } } }
      },
    })
    const page = await loadPage('apply/form/index').load({ code: ITEM.code })
    page.fire('onField', { dataset: { name: 'reason', widget: 'select' }, detail: { value: '0' } })
    page.fire('onField', { dataset: { name: 'people' }, detail: { value: '2' } })
    page.onMaterials({ detail: { value: { M01: { files: [{ id: 'f1', name: 'a.jpg' }] } } } })
    expect(await page.onSubmit()).toBeNull()
    expect(page.data.errors).toEqual({ people: '迁移人数：应不小于 1' })
    expect(page.data.corrections).toEqual([{ material_code: 'M01', name: '居民身份证', reason: '文件无法识别' }])
    expect(page.data.applicationId).toBe('app-9')
    expect(wx.toasts().pop()).toMatch(/共 2 处/)
    const result = await page.onSubmit()
    expect(result.status).toBe('submitted')
    expect(calls).toEqual(['create', 'submit', 'patch', 'submit'])
  })
})

describe('一件事一次办', () => {
  test('the bundle lists its items in order and the shared materials; one tap opens drafts for all', async () => {
    const posted = {}
    wx.responder = router({
      'GET /api/v1/bundles/newborn': { statusCode: 200, data: {
        code: 'newborn', name: '新生儿出生一件事', aliases: [], audience: 'person', department: '卫健', description: '出生医学证明、落户、医保、社保卡一次办',
        item_count: 2, promised_days: 10, separate_visits: 4, total_fee_fen: 0,
        items: [{ code: 'A1', name: '出生医学证明首次签发', online_depth_label: '全程网办' }, { code: 'A2', name: '出生登记（新生儿落户）', online_depth_label: '在线预审' }],
        materials: [{ name: '父母身份证', required: true, license_type: 'id_card', items: ['A1', 'A2'] }],
      } },
      'POST /api/v1/applications': (o) => { posted.create = o.data; return { statusCode: 201, data: { group_id: 'g1', items: [{ id: 'd1', item_code: 'A1', status: 'draft' }, { id: 'd2', item_code: 'A2', status: 'draft' }] } } },
    })
    const page = await loadPage('catalog/bundle/index').load({ code: 'newborn' })
    expect(page.data.items.map((i) => `${i.step}.${i.name}`)).toEqual(['1.出生医学证明首次签发', '2.出生登记（新生儿落户）'])
    expect(page.data.materials[0]).toMatchObject({ usedBy: '出生医学证明首次签发、出生登记（新生儿落户）', walletLabel: '可用电子证照免提交' })
    expect(page.data.fee).toBe('不收费')
    const created = await page.onStart()
    expect(posted.create).toEqual({ bundle_code: 'newborn', form: {}, materials: {} })
    expect(created.group_id).toBe('g1')
    expect(wx.callsOf('navigateTo')[0].url).toBe('/apply/form/index?id=d1&code=A1')
  })
})

describe('my tickets and waitlist', () => {
  test('an offered waitlist place is confirmed into a ticket; a waiting one can be cancelled', async () => {
    let entries = [
      { id: 'w1', item_code: ITEM.code, slot_id: 's1', position: 1, status: 'offered', offer_expires_at: '2026-11-25T02:30:00Z', appointment_id: null, created_at: '2026-11-24T01:00:00Z' },
      { id: 'w2', item_code: ITEM.code, slot_id: 's2', position: 3, status: 'waiting', offer_expires_at: null, appointment_id: null, created_at: '2026-11-24T01:00:00Z' },
      { id: 'w3', item_code: ITEM.code, slot_id: 's3', position: 1, status: 'expired', offer_expires_at: null, appointment_id: null, created_at: '2026-11-20T01:00:00Z' },
    ]
    wx.responder = router({
      'GET /api/v1/appointments': { statusCode: 200, data: { items: [{ id: 'ap-1', status: 'booked', date: '2026-11-26', starts_at: '2026-11-26T01:00:00Z', ends_at: '2026-11-26T01:30:00Z', hall: { id: 'h', name: '太原市政务服务中心' }, item: { code: ITEM.code, name: '户口迁移' } }], next_cursor: null } },
      'GET /api/v1/waitlist': () => ({ statusCode: 200, data: { items: entries } }),
      'POST /api/v1/waitlist/w1/confirm': () => { entries = entries.map((w) => (w.id === 'w1' ? { ...w, status: 'confirmed', appointment_id: 'ap-2' } : w)); return { statusCode: 201, data: { id: 'ap-2', status: 'booked' } } },
      'POST /api/v1/waitlist/w2/cancel': () => { entries = entries.map((w) => (w.id === 'w2' ? { ...w, status: 'cancelled' } : w)); return { statusCode: 200, data: { id: 'w2', status: 'cancelled' } } },
    })
    const page = await loadPage('appointments/tickets/index').load({})
    expect(page.data.items[0]).toMatchObject({ itemName: '户口迁移', hallName: '太原市政务服务中心', time: '09:00-09:30', statusText: '待签到' })
    expect(page.data.waitlist.map((w) => [w.id, w.statusText])).toEqual([['w1', '有空位待确认'], ['w2', '候补中']])
    expect(page.data.waitlist[0].offerUntil).toBe('2026-11-25 10:30')
    const appointment = await page.fire('onConfirmWaitlist', { dataset: { id: 'w1' } })
    expect(appointment.id).toBe('ap-2')
    expect(wx.callsOf('navigateTo')[0].url).toBe('/appointments/ticket/index?id=ap-2')
    await page.fire('onCancelWaitlist', { dataset: { id: 'w2' } })
    expect(page.data.waitlist).toEqual([])
  })
})

describe('consultations (咨询投诉)', () => {
  test('ask about a case, see the answer, rate it once', async () => {
    let items = [{ id: 'c1', kind: 'complaint', title: '窗口态度', content: '……', status: 'answered', answer: '已整改', overdue: false, rating: null, created_at: '2026-11-20T01:00:00Z', deadline: '2026-11-27' }]
    const posted = {}
    wx.responder = router({
      'GET /api/v1/consultations': () => ({ statusCode: 200, data: { items, next_cursor: null } }),
      'POST /api/v1/consultations': (o) => { posted.create = o.data; items = [{ id: 'c2', ...o.data, status: 'open', overdue: false, rating: null, created_at: '2026-11-25T01:00:00Z' }].concat(items); return { statusCode: 201, data: items[0] } },
      'POST /api/v1/consultations/c1/rating': (o) => { posted.rating = o.data; items = items.map((c) => (c.id === 'c1' ? { ...c, rating: o.data.score } : c)); return { statusCode: 200, data: items[1] } },
    })
    const page = await loadPage('me/consultations/index').load({ application_id: 'app-1' })
    expect(page.data.items[0]).toMatchObject({ kindText: '投诉', stateText: '已答复', canRate: true })
    expect(await page.onSubmit()).toBeNull()
    expect(wx.toasts().pop()).toMatch(/请填写标题/)
    page.fire('onInput', { dataset: { field: 'kindIndex' }, detail: { value: '1' } })
    page.fire('onInput', { dataset: { field: 'title' }, detail: { value: '补正太慢' } })
    page.fire('onInput', { dataset: { field: 'content' }, detail: { value: '补正材料三天没人处理' } })
    await page.onSubmit()
    expect(posted.create).toEqual({ kind: 'complaint', title: '补正太慢', content: '补正材料三天没人处理', application_id: 'app-1' })
    expect(page.data.items[0]).toMatchObject({ id: 'c2', stateText: '办理中', canRate: false })
    await page.fire('onRate', { dataset: { id: 'c1', score: 5 } })
    expect(posted.rating).toEqual({ score: 5 })
    expect(page.data.items[1]).toMatchObject({ rating: 5, canRate: false })
  })
})

describe('appointments', () => {
  test('item → hall → date → slot → book; a full slot reloads the slots; a lost answer is retried with the same key', async () => {
    let booked = 0
    const keys = []
    let dropNext = false
    wx.responder = router({
      [`GET /api/v1/items/${encodeURIComponent(ITEM.code)}`]: { statusCode: 200, data: ITEM },
      'GET /api/v1/halls': { statusCode: 200, data: { items: ITEM.halls } },
      'GET /api/v1/halls/hall-1/slots': () => ({ statusCode: 200, data: { hall_id: 'hall-1', date: '2026-11-26', items: [{ id: 's1', starts_at: '2026-11-26T01:00:00Z', ends_at: '2026-11-26T01:30:00Z', capacity: 5, remaining: booked ? 0 : 2, bookable: !booked, window_group: 'A', window_name: 'A01', status: 'open' }] } }),
      'POST /api/v1/appointments': (o) => {
        keys.push(o.header['Idempotency-Key'])
        if (dropNext) { dropNext = false; return Promise.reject(new Error('timeout')) }
        booked += 1
        return booked === 1 ? { statusCode: 409, data: { error: { code: 'SLOT_FULL', message: '该时段已约满' } } } : { statusCode: 201, data: { id: 'ap-1' } }
      },
    })
    const page = await loadPage('appointments/book/index').load({ code: ITEM.code })
    expect(page.data.hallIndex).toBe(0) // the only hall is chosen
    expect(page.data.days).toHaveLength(14)
    expect(page.data.slots[0].remaining).toBe(2)
    page.onSlot({ detail: { slotId: 's1', time: '09:00-09:30' } })
    expect(await page.onConfirm()).toBeNull()
    expect(wx.toasts().pop()).toBe('该时段已约满')
    expect(page.data.slots[0].remaining).toBe(0)
    expect(page.data.slotId).toBe('')
    page.onSlot({ detail: { slotId: 's1', time: '09:00-09:30' } })
    dropNext = true
    expect(await page.onConfirm()).toBeNull()
    expect(wx.toasts().pop()).toBe('网络不给力，请稍后再试')
    const ticket = await page.onConfirm()
    expect(ticket.id).toBe('ap-1')
    expect(keys[1]).not.toBe(keys[0]) // the refused booking's key is not reused
    expect(keys[2]).toBe(keys[1]) // the retry after a lost answer carries the same key
    expect(wx.callsOf('requestSubscribeMessage')[0].tmplIds).toEqual(['SJT-TPL-APPOINTMENT'])
    expect(wx.callsOf('redirectTo')[0].url).toBe('/appointments/ticket/index?id=ap-1')
  })

  test('a full slot offers the waitlist: POST halls/{hall}/slots/{slot}/waitlist', async () => {
    let joined = null
    wx.responder = router({
      [`GET /api/v1/items/${encodeURIComponent(ITEM.code)}`]: { statusCode: 200, data: ITEM },
      'GET /api/v1/halls': { statusCode: 200, data: { items: ITEM.halls } },
      'GET /api/v1/halls/hall-1/slots': { statusCode: 200, data: { items: [] } },
      'POST /api/v1/halls/hall-1/slots/s9/waitlist': (o) => { joined = o.data; return { statusCode: 201, data: { id: 'w1', position: 3, status: 'waiting' } } },
    })
    const page = await loadPage('appointments/book/index').load({ code: ITEM.code })
    page.onWaitlist({ detail: { slotId: 's9', time: '09:00-09:30' } })
    await new Promise((r) => setTimeout(r, 20))
    expect(joined).toEqual({ item_code: ITEM.code })
    expect(wx.callsOf('showModal')[1].content).toBe('您排在第3位，有空位时会通知您确认。')
  })

  test('ticket: QR, what to bring, cancel after confirming', async () => {
    let status = 'booked'
    let cancellableUntil = new Date(Date.now() + 3600e3).toISOString()
    wx.responder = router({
      'GET /api/v1/appointments/ap-1': () => ({ statusCode: 200, data: {
        id: 'ap-1', status, date: '2026-11-26', starts_at: '2026-11-26T01:00:00Z', ends_at: '2026-11-26T01:30:00Z',
        hall: { id: 'hall-1', name: '太原市政务服务中心', address: '长风街', phone: '0351-1234567' }, item: { code: ITEM.code, name: '户口迁移' },
        window_names: ['A01'], materials: [{ name: '居民身份证', required: true, original: 'original', copies: 1 }, { name: '结婚证', required: false, original: 'copy', copies: 1 }],
        ticket: { payload: 'SJT1:A:xyz' }, cancellable_until: cancellableUntil,
      } }),
      'POST /api/v1/appointments/ap-1/cancel': () => { status = 'cancelled'; return { statusCode: 200, data: {} } },
    })
    const page = await loadPage('appointments/ticket/index').load({ id: 'ap-1' })
    expect(page.data.bring).toEqual(['居民身份证（原件）'])
    expect(page.data.payload).toBe('SJT1:A:xyz')
    expect(page.data.time).toBe('09:00-09:30')
    expect(page.data.canCancel).toBe(true)
    page.onCancel()
    await new Promise((r) => setTimeout(r, 10))
    expect(page.data.statusText).toBe('已取消')
    // past the server's cut-off (cancellable_until) the button is gone: the server would refuse
    status = 'booked'
    cancellableUntil = new Date(Date.now() - 1000).toISOString()
    await page.refresh()
    expect(page.data.canCancel).toBe(false)
  })
})

describe('wallet', () => {
  test('亮证 asks for a fresh code on each refresh, screen bright, capture hidden', async () => {
    let n = 0
    wx.responder = router({
      'POST /api/v1/wallet/licenses/lic-1/show': () => { n += 1; return { statusCode: 200, data: { payload: `SJT1:L:code${n}`, expires_at: new Date(Date.now() + 60000).toISOString(), license_name: '居民身份证' } } },
    })
    const page = await loadPage('wallet/show/index').load({ id: 'lic-1' })
    expect(page.data.payload).toBe('SJT1:L:code1')
    expect(wx.callsOf('setScreenBrightness')[0].value).toBe(1)
    expect(wx.callsOf('setVisualEffectOnCapture')[0].visualEffect).toBe('hidden')
    await page.onRefresh({ detail: { reason: 'expiring' } })
    expect(page.data.payload).toBe('SJT1:L:code2')
    await page.onPurpose({ detail: { value: String(page.data.purposeLabels.indexOf('住宿登记')) } })
    expect(page.data.payload).toBe('SJT1:L:code3')
    expect(wx.requests().map((r) => r.data.purpose)).toEqual(['validity', 'validity', 'lodging'])
  })

  test('detail: fields, verification log, grant and revoke', async () => {
    const grants = [{ id: 'g1', licence_id: 'lic-1', grantee_name: '某银行', purpose: 'business', until: '2026-12-31T00:00:00Z', state: 'active', uses: 0, created_at: '2026-11-20T01:00:00Z' }]
    let granted = null
    wx.responder = router({
      'GET /api/v1/wallet/licenses/lic-1': { statusCode: 200, data: { id: 'lic-1', type: 'id_card', type_name: '居民身份证', identifier: '1401**********1234', issuer_name: '太原市公安局', status: 'valid', status_label: '有效', fields: [{ key: 'name', label: '姓名', value: '张晓明', sensitive: false }] } },
      'GET /api/v1/wallet/licenses/lic-1/verifications': { statusCode: 200, data: { items: [{ id: 'v1', verifier_name: '李窗口', organisation: '太原市政务服务中心', purpose: 'government_service', result: 'valid', channel: 'counter', disclosed: ['name'], created_at: '2026-11-20T01:00:00Z' }] } },
      'GET /api/v1/wallet/licenses/lic-1/grants': () => ({ statusCode: 200, data: { items: grants } }),
      'POST /api/v1/wallet/licenses/lic-1/grants': (o) => { granted = o.data; return { statusCode: 201, data: { id: 'g2', access_code: 'AB12CD34', state: 'active' } } },
      'DELETE /api/v1/wallet/grants/g1': { statusCode: 204, data: '' },
    })
    const page = await loadPage('wallet/detail/index').load({ id: 'lic-1' })
    expect(page.data.fields).toEqual([{ label: '姓名', value: '张晓明' }])
    expect(page.data.statusText).toBe('有效')
    expect(page.data.verifications[0]).toMatchObject({ time: '2026-11-20 09:00', who: '太原市政务服务中心 李窗口', purposeText: '办理政务服务' })
    expect(page.data.grants[0]).toMatchObject({ untilText: '2026-12-31', purposeText: '商务合作/开户', stateText: '有效' })
    page.fire('onGrantInput', { dataset: { field: 'grantee' }, detail: { value: '某保险公司' } })
    page.fire('onGrantInput', { dataset: { field: 'purposeIndex' }, detail: { value: '7' } })
    await page.onGrant()
    expect(granted).toMatchObject({ grantee_name: '某保险公司', purpose: 'social_service' })
    expect(new Date(granted.until).getTime()).toBeGreaterThan(Date.now())
    expect(wx.callsOf('showModal')[0].content).toMatch(/AB12CD34/) // the access code, shown once
    page.fire('onRevoke', { dataset: { id: 'g1' } })
    await new Promise((r) => setTimeout(r, 10))
    expect(paths()).toContain('DELETE /wallet/grants/g1')
  })
})

describe('pay', () => {
  test('POST payments → wx.requestPayment with its parameters → result page polls the order', async () => {
    let status = 'created'
    wx.responder = router({
      'GET /api/v1/applications/app-1': { statusCode: 200, data: { id: 'app-1', item_name: '不动产登记', status: 'accepted', fee_fen: 8000, paid: false } },
      'POST /api/v1/payments': (o) => ({ statusCode: 201, data: { id: 'pay-1', state: 'created', amount_fen: 8000, channel: 'jsapi', request_payment: { appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 'sig' }, key: o.header['Idempotency-Key'] } }),
      'GET /api/v1/payments/pay-1': () => { const s = status; status = 'paid'; return { statusCode: 200, data: { id: 'pay-1', state: s, amount_fen: 8000, application_id: 'app-1' } } },
    })
    const page = await loadPage('pay/pay/index').load({ application_id: 'app-1' })
    expect(page.data.amount).toBe('¥80.00')
    expect(await page.onPay()).toBe('pay-1')
    expect(wx.callsOf('requestPayment')[0]).toMatchObject({ package: 'prepay_id=wx1', paySign: 'sig', signType: 'RSA' })
    expect(wx.requests().find((r) => path(r) === 'POST /payments').data).toEqual({ application_id: 'app-1', channel: 'jsapi' })
    const result = loadPage('pay/result/index')
    result.options = { id: 'pay-1' }
    jest.useFakeTimers()
    const done = result.load({ id: 'pay-1' })
    await jest.advanceTimersByTimeAsync(2000)
    await done
    jest.useRealTimers()
    expect(result.data.statusText).toBe('已支付')
  })

  test('a cancelled cashier stays on the page', async () => {
    wx.responder = router({
      'GET /api/v1/applications/app-1': { statusCode: 200, data: { id: 'app-1', status: 'approved', fee_fen: 100, paid: false } },
      'POST /api/v1/payments': { statusCode: 201, data: { id: 'pay-2', state: 'created', request_payment: {} } },
    })
    wx.payBehaviour = () => Promise.reject({ errMsg: 'requestPayment:fail cancel' })
    const page = await loadPage('pay/pay/index').load({ application_id: 'app-1' })
    expect(await page.onPay()).toBeNull()
    expect(wx.toasts()).toEqual(['已取消支付'])
    expect(wx.callsOf('redirectTo')).toHaveLength(0)
  })
})

describe('scan', () => {
  test('SJT1:Q: → login confirm showing the device first, then confirm', async () => {
    wx.scanResult = 'SJT1:Q:tk1'
    const scan = await loadPage('scan/index/index').load({})
    expect(wx.callsOf('navigateTo')[0].url).toBe('/scan/login/index?ticket=tk1')
    expect(scan.data.message).toBe('')
    wx.responder = router({
      'POST /api/v1/auth/qr/tk1/scan': { statusCode: 200, data: { device: 'Chrome / Windows', ip_area: '山西太原', ip: '1.2.3.*', state: 'scanned', created_at: '2026-11-25T01:00:00Z', expires_at: '2026-11-25T01:02:00Z' } },
      'POST /api/v1/auth/qr/tk1/confirm': { statusCode: 200, data: { status: 'confirmed' } },
    })
    const page = await loadPage('scan/login/index').load({ ticket: 'tk1' })
    expect(page.data.state).toBe('scanned')
    expect(page.data.info.device).toBe('Chrome / Windows')
    expect(paths()).toEqual(['POST /auth/qr/tk1/scan'])
    await page.onConfirm()
    expect(page.data.state).toBe('confirmed')
  })

  test('an expired login code says so; cancel is sent', async () => {
    wx.responder = router({
      'POST /api/v1/auth/qr/old/scan': { statusCode: 404, data: { error: { code: 'QR_EXPIRED', message: '二维码已过期' } } },
      'POST /api/v1/auth/qr/old/cancel': { statusCode: 404, data: {} },
    })
    const page = await loadPage('scan/login/index').load({ ticket: 'old' })
    expect(page.data.state).toBe('invalid')
    await page.onCancel()
    expect(wx.callsOf('navigateBack')).toHaveLength(1)
  })

  test('SJT1:D: → who and what before the resident authorises the agent', async () => {
    wx.scanResult = 'SJT1:D:dg1'
    await loadPage('scan/index/index').load({})
    expect(wx.callsOf('navigateTo')[0].url).toBe('/scan/delegation/index?ticket=dg1')
    wx.responder = router({
      'GET /api/v1/delegations/requests/dg1': { statusCode: 200, data: { agent_name: '赵丽', service_point: '东关村便民服务站', address: '清徐县东关村', scope_all: false, items: [{ code: 'YL01', name: '城乡居民养老保险' }], expires_at: '2026-12-25T00:00:00Z' } },
      'POST /api/v1/delegations/dg1/confirm': { statusCode: 201, data: { id: 'd1', status: 'active' } },
    })
    const page = await loadPage('scan/delegation/index').load({ ticket: 'dg1' })
    expect(page.data).toMatchObject({ state: 'pending', scope: '城乡居民养老保险', until: '2026-12-25' })
    expect(page.data.request.agent_name).toBe('赵丽')
    await page.onConfirm()
    expect(page.data.state).toBe('confirmed')
    expect(wx.callsOf('requestSubscribeMessage')[0].tmplIds).toEqual(['SJT-TPL-DELEGATION'])
  })

  test('licence and unknown codes explain themselves', async () => {
    wx.scanResult = 'SJT1:L:abc'
    const page = await loadPage('scan/index/index').load({})
    expect(page.data.message).toMatch(/窗口工作人员扫码核验/)
    wx.scanResult = 'https://example.com'
    await page.onScan()
    expect(page.data.message).toMatch(/无法识别/)
    expect(wx.callsOf('navigateTo')).toHaveLength(0)
  })
})

describe('me', () => {
  test('delegations: listed with scope and consent, revoked after confirming', async () => {
    let state = 'active'
    wx.responder = router({
      'GET /api/v1/delegations': () => ({ statusCode: 200, data: { items: [{ id: 'd1', agent_name: '赵丽', scope_all: false, scope_items: ['A', 'B'], expires_at: '2026-12-25T00:00:00Z', consent_method: 'qr', state }] } }),
      'DELETE /api/v1/delegations/d1': () => { state = 'revoked'; return { statusCode: 200, data: {} } },
    })
    const page = await loadPage('me/delegations/index').load({})
    expect(page.data.items[0]).toMatchObject({ stateText: '生效中', scope: '2项指定事项', until: '2026-12-25', how: '扫码确认' })
    page.fire('onRevoke', { dataset: { id: 'd1', name: '赵丽' } })
    await new Promise((r) => setTimeout(r, 20))
    expect(wx.callsOf('showModal')[0].content).toMatch(/赵丽将不能再以您的名义办理/)
    expect(page.data.items[0].stateText).toBe('已撤销')
  })

  test('the elder switch persists and applies at once', async () => {
    wx.responder = router({ 'GET /api/v1/me': { statusCode: 200, data: { id: 'acc-1', display_name: '李桂花', realname_level: 2 } } })
    const page = await loadPage('pages/me/index').load({})
    expect(page.data.levelLabel).toBe('已实名')
    page.onElder({ detail: { value: true } })
    expect(page.data.elder).toBe(true)
    expect(wx.storage['sjt.elderMode']).toBe(true)
    const again = await loadPage('pages/me/index').load({})
    expect(again.data.elder).toBe(true)
  })

  test('real-name form checks before sending', async () => {
    let sent = null
    wx.responder = router({
      'POST /api/v1/me/real-name': (o) => { sent = o.data; return { statusCode: 200, data: { id: 'acc-1', realname_level: 2 } } },
    })
    const page = await loadPage('me/real-name/index').load({})
    page.fire('onInput', { dataset: { field: 'name' }, detail: { value: 'Z' } })
    await page.onSubmit()
    expect(page.data.errors).toEqual({ name: '请填写与身份证一致的姓名', idNumber: '身份证号码应为18位' })
    page.fire('onInput', { dataset: { field: 'name' }, detail: { value: '张晓明' } })
    page.fire('onInput', { dataset: { field: 'idNumber' }, detail: { value: '14010519900101123x' } })
    await page.onSubmit()
    expect(sent).toEqual({ name: '张晓明', id_number: '14010519900101123X' })
    expect(session.account().realname_level).toBe(2)
    expect(wx.callsOf('navigateBack')).toHaveLength(1)
  })
})

describe('catalogue search', () => {
  test('query, region / level / audience filters, cursor paging', async () => {
    const seen = []
    wx.responder = router({
      'GET /api/v1/regions': { statusCode: 200, data: { items: [{ code: '140100', name: '太原市' }, { code: '140700', name: '晋中市' }] } },
      'GET /api/v1/items': (o, url) => {
        seen.push(Object.fromEntries(url.searchParams))
        const cursor = url.searchParams.get('cursor')
        return { statusCode: 200, data: cursor ? { items: [{ code: 'B', name: '二', fee_fen: 1000, online_depth: 3 }], next_cursor: null } : { items: [{ code: 'A', name: '一', fee_fen: 0, online_depth: 4 }], next_cursor: 'c2' } }
      },
    })
    const page = await loadPage('catalog/search/index').load({ q: encodeURIComponent('hkqy') })
    await new Promise((r) => setTimeout(r, 5))
    expect(page.data.regions.map((r) => r.name)).toEqual(['全省', '太原市', '晋中市'])
    expect(page.data.items).toEqual([expect.objectContaining({ code: 'A', fee: '不收费', depth: '全程网办' })])
    await page.onReachBottom()
    expect(page.data.items.map((i) => i.code)).toEqual(['A', 'B'])
    expect(page.data.done).toBe(true)
    await page.onRegion({ detail: { value: '1' } })
    await page.onLevel({ detail: { value: '3' } })
    expect(seen[0]).toMatchObject({ q: 'hkqy' })
    expect(seen[1]).toMatchObject({ cursor: 'c2' })
    expect(seen[seen.length - 1]).toMatchObject({ q: 'hkqy', region: '140100', level: 'county' })
    expect(wx.requests().find((r) => new URL(r.url).pathname === '/api/v1/regions').url).toMatch(/parent=140000/)
  })
})
