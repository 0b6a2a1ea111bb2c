const { install } = require('../helpers/wx-mock')

let wx = install()
const qr = require('../../utils/qr')
const money = require('../../utils/money')
const date = require('../../utils/date')
const countdown = require('../../utils/countdown')
const schemaForm = require('../../utils/schema-form')
const elder = require('../../utils/elder')
const drafts = require('../../utils/drafts')
const subscribe = require('../../utils/subscribe')

beforeEach(() => { wx = install() })

describe('qr.parse', () => {
  test.each([
    ['SJT1:Q:tk_123', 'login', 'tk_123'],
    ['SJT1:D:dg-9', 'delegation', 'dg-9'],
    ['SJT1:L:eyJ.sig', 'licence', 'eyJ.sig'],
    ['  SJT1:A:ap1 ', 'appointment', 'ap1'],
  ])('%s → %s', (raw, type, value) => {
    expect(qr.parse(raw)).toMatchObject({ type, value })
  })

  test.each([['SJT1:Q:'], ['SJT2:Q:x'], ['https://example.com'], [''], [null]])('%s is unknown', (raw) => {
    expect(qr.parse(raw).type).toBe('unknown')
  })
})

describe('money', () => {
  test.each([[0, '¥0.00'], [5, '¥0.05'], [1999, '¥19.99'], [123456789, '¥1,234,567.89'], [-250, '-¥2.50']])('%i fen → %s', (fen, text) => {
    expect(money.yuan(fen)).toBe(text)
  })
  test('non-integers are refused, free items say so', () => {
    expect(money.yuan(1.5)).toBe('—')
    expect(money.yuan('abc')).toBe('—')
    expect(money.feeLabel(0)).toBe('不收费')
    expect(money.feeLabel(2000)).toBe('¥20.00')
  })
})

describe('date (Asia/Shanghai)', () => {
  test('UTC instants shown at UTC+8, crossing midnight', () => {
    expect(date.formatDateTime('2026-11-25T16:30:00Z')).toBe('2026-11-26 00:30')
    expect(date.formatDateTime('2026-11-25T16:30:00')).toBe('2026-11-26 00:30')
    expect(date.formatDateTime('2026-11-25T16:30:00+08:00')).toBe('2026-11-25 16:30')
    expect(date.formatDate('2026-12-31T20:00:00Z')).toBe('2027-01-01')
    expect(date.formatDate('2026-10-01')).toBe('2026-10-01')
    expect(date.formatDate('nonsense')).toBe('')
  })
  test('today and the next days follow Shanghai', () => {
    const now = Date.parse('2026-11-25T17:00:00Z') // 01:00 on the 26th in Shanghai
    expect(date.today(now)).toBe('2026-11-26')
    const days = date.nextDays(3, now)
    expect(days.map((d) => d.date)).toEqual(['2026-11-26', '2026-11-27', '2026-11-28'])
    expect(days[0]).toMatchObject({ label: '今天', weekday: '周四' })
    expect(days[1].label).toBe('明天')
  })
})

describe('countdown', () => {
  test('seconds left and format', () => {
    const now = Date.parse('2026-11-25T08:00:00Z')
    expect(countdown.secondsLeft('2026-11-25T08:01:30Z', now)).toBe(90)
    expect(countdown.secondsLeft('2026-11-25T07:00:00Z', now)).toBe(0)
    expect(countdown.format(90)).toBe('1分30秒')
    expect(countdown.format(9)).toBe('9秒')
  })
  test('ticks each second and stops at zero', () => {
    jest.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') })
    const ticks = []
    countdown.start('2026-11-25T08:00:03Z', (s) => ticks.push(s))
    jest.advanceTimersByTime(10000)
    expect(ticks).toEqual([3, 2, 1, 0])
    jest.useRealTimers()
  })
})

describe('schema-form', () => {
  const schema = {
    type: 'object',
    required: ['name', 'id_number', 'reason', 'people'],
    properties: {
      name: { type: 'string', title: '姓名', minLength: 2, maxLength: 20 },
      id_number: { type: 'string', title: '身份证号', format: 'id-number' },
      reason: { type: 'string', title: '迁移原因', enum: ['work', 'marriage'], enumNames: ['工作调动', '投靠配偶'] },
      people: { type: 'integer', title: '迁移人数', minimum: 1, maximum: 10 },
      move_date: { type: 'string', title: '迁入日期', format: 'date' },
      urgent: { type: 'boolean', title: '加急' },
      note: { type: 'string', title: '备注', maxLength: 500 },
    },
  }

  test('fields with widgets, labels and options', () => {
    const fields = schemaForm.fields(schema)
    expect(fields.map((f) => [f.name, f.widget, f.required])).toEqual([
      ['name', 'text', true], ['id_number', 'text', true], ['reason', 'select', true], ['people', 'number', true],
      ['move_date', 'date', false], ['urgent', 'switch', false], ['note', 'textarea', false],
    ])
    expect(fields[2].optionLabels).toEqual(['工作调动', '投靠配偶'])
    expect(fields[1].inputType).toBe('idcard')
  })

  test('validate names each problem in Chinese', () => {
    expect(schemaForm.validate(schema, { name: '张', id_number: '123', reason: 'x', people: '0' })).toEqual({
      name: '姓名至少2个字', id_number: '身份证号格式不正确', reason: '请选择迁移原因', people: '迁移人数不能小于1',
    })
    expect(schemaForm.validate(schema, {})).toMatchObject({ name: '请填写姓名', people: '请填写迁移人数' })
    expect(schemaForm.validate(schema, { name: '张晓明', id_number: '14010519900101123X', reason: 'work', people: '2' })).toEqual({})
  })

  test('normalise types the values and drops empty ones', () => {
    expect(schemaForm.normalise(schema, { name: '张晓明', people: '2', urgent: true, note: '' })).toEqual({ name: '张晓明', people: 2, urgent: true })
  })
})

describe('elder mode', () => {
  test('off by default, persisted when switched, changes limits', () => {
    expect(elder.isOn()).toBe(false)
    expect(elder.limit(8, 4)).toBe(8)
    elder.set(true)
    expect(wx.storage[elder.KEY]).toBe(true)
    expect(elder.isOn()).toBe(true)
    expect(elder.limit(8, 4)).toBe(4)
    expect(getApp().globalData.elder).toBe(true)
    const page = { data: { elder: false }, setData(p) { Object.assign(this.data, p) } }
    expect(elder.apply(page)).toBe(true)
    expect(page.data.elder).toBe(true)
  })
})

describe('drafts', () => {
  test('saved per item, cleared after submit', () => {
    drafts.save('ITEM-1', { form: { name: '张晓明' }, materials: { M01: { license_id: 'l1' } } })
    expect(drafts.load('ITEM-1')).toMatchObject({ applicationId: null, form: { name: '张晓明' } })
    expect(drafts.load('ITEM-2')).toBeNull()
    drafts.clear('ITEM-1')
    expect(drafts.load('ITEM-1')).toBeNull()
  })
})

describe('subscribe', () => {
  test('asks for the templates of the moment', async () => {
    await subscribe.ask('submit')
    await subscribe.ask('book')
    expect(wx.callsOf('requestSubscribeMessage').map((c) => c.tmplIds)).toEqual([['SJT-TPL-PROGRESS'], ['SJT-TPL-APPOINTMENT']])
  })
  test('a refusal does not block', async () => {
    wx.requestSubscribeMessage = jest.fn((o) => o.fail({ errMsg: 'requestSubscribeMessage:fail cancel' }))
    await expect(subscribe.ask('pay')).resolves.toEqual({})
  })
})

describe('links', () => {
  const { pageFor } = require('../../utils/links')
  test('the domains\' message links open the right page; others open nothing', () => {
    expect(pageFor('/pages/applications/detail?id=5f0c')).toBe('/cases/detail/index?id=5f0c')
    expect(pageFor('/pages/appointments/waitlist?id=w1')).toBe('/appointments/tickets/index')
    expect(pageFor('/pages/consultations/detail?id=c1')).toBe('/me/consultations/index')
    expect(pageFor('/pages/licenses/detail?id=l1')).toBe('/wallet/detail/index?id=l1')
    expect(pageFor('/pages/me/delegations')).toBe('/me/delegations/index')
    expect(pageFor('/payments/p-1')).toBe('/pay/result/index?id=p-1')
    expect(pageFor('/cases/list/index')).toBe('/cases/list/index')
    expect(pageFor('/api/v1/licenses/granted/g1')).toBeNull()
    expect(pageFor('https://evil.example/x')).toBeNull()
    expect(pageFor('')).toBeNull()
  })
})
