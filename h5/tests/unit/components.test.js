import { describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import Vant from 'vant'
import { createMemoryHistory, createRouter } from 'vue-router'
import CaseTimeline from '@/components/CaseTimeline.vue'
import SlotPicker from '@/components/SlotPicker.vue'
import QrCountdown from '@/components/QrCountdown.vue'
import ScanBox from '@/components/ScanBox.vue'
import BarChart from '@/components/BarChart.vue'
import SchemaForm from '@/components/SchemaForm.vue'
import { byUrgency } from '@/utils/urgency'
import { jsonResponse, stubFetch } from './helpers'

const global = { plugins: [Vant] }

describe('CaseTimeline', () => {
  it('lists events newest first with status text, note and the agent', () => {
    const w = mount(CaseTimeline, {
      global,
      props: {
        events: [
          // EventOut of GET applications/{id}: label from the server; to_status when it has none
          { action: 'submitted', label: '已提交', to_status: 'submitted', at: '2026-11-20T02:00:00Z', actor_id: 'u1', on_behalf_of: null },
          { action: 'correction_requested', label: '', to_status: 'needs_correction', at: '2026-11-21T02:00:00Z', note: '身份证复印件不清晰' },
          { action: 'accepted', label: '已受理', to_status: 'accepted', at: '2026-11-22T02:00:00Z', actor_id: 'a1', on_behalf_of: 'u1' },
        ],
      },
    })
    const titles = w.findAll('.t-title').map((t) => t.text())
    expect(titles).toEqual(['已受理', '待补正', '已提交'])
    expect(w.text()).toContain('身份证复印件不清晰')
    expect(w.text()).toContain('代办员代为办理')
    expect(w.text()).toContain('2026/11/22 10:00')
  })

  it('shows an empty state', () => {
    expect(mount(CaseTimeline, { global }).text()).toContain('暂无办理记录')
  })
})

describe('SlotPicker', () => {
  const slots = [
    // SlotOut of GET halls/{id}/slots: UTC instants, shown in Shanghai time
    { id: 's1', starts_at: '2026-11-27T01:00:00Z', ends_at: '2026-11-27T01:30:00Z', capacity: 5, remaining: 3, status: 'open', bookable: true, window_group: 'A', window_name: '' },
    { id: 's2', starts_at: '2026-11-27T01:30:00Z', ends_at: '2026-11-27T02:00:00Z', capacity: 5, remaining: 0, status: 'open', bookable: true, window_group: 'A', window_name: '' },
    { id: 's3', starts_at: '2026-11-27T02:00:00Z', ends_at: '2026-11-27T02:30:00Z', capacity: 5, remaining: 1, status: 'open', bookable: true, window_group: 'A', window_name: '' },
  ]
  it('shows remaining seats and disables full slots', () => {
    const w = mount(SlotPicker, { global, props: { slots } })
    const buttons = w.findAll('button.slot')
    expect(buttons.map((b) => b.text())).toEqual(['09:00-09:30余 3', '09:30-10:00已约满', '10:00-10:30余 1'])
    expect(buttons[1].attributes('disabled')).toBeDefined()
    expect(buttons[0].attributes('aria-label')).toBe('09:00-09:30，剩余3个号')
  })
  it('emits the picked slot and ignores full ones', async () => {
    const w = mount(SlotPicker, { global, props: { slots } })
    await w.findAll('button.slot')[0].trigger('click')
    await w.findAll('button.slot')[1].trigger('click')
    expect(w.emitted('update:modelValue')).toEqual([['s1']])
    await w.setProps({ modelValue: 's1' })
    expect(w.find('button.slot.active').attributes('aria-checked')).toBe('true')
  })
})

describe('QrCountdown', () => {
  it('counts down and fetches a new code before expiry', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(new Date('2026-11-25T08:00:00Z'))
    let n = 0
    const fetcher = vi.fn(async () => {
      n += 1
      return { payload: `SJT1:L:code-${n}`, expires_at: new Date(Date.now() + 30_000).toISOString() }
    })
    const w = mount(QrCountdown, { global, props: { fetcher, renewBefore: 5 } })
    await flushPromises()
    await vi.waitFor(() => expect(w.find('img').exists()).toBe(true))
    expect(w.find('.seconds').text()).toBe('30')
    expect(w.find('img').attributes('data-payload')).toBe('SJT1:L:code-1')
    vi.advanceTimersByTime(10_000)
    await flushPromises()
    expect(w.find('.seconds').text()).toBe('20')
    expect(fetcher).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(15_000) // 5 s left → renew
    await flushPromises()
    expect(fetcher).toHaveBeenCalledTimes(2)
    await vi.waitFor(() => expect(w.find('img').attributes('data-payload')).toBe('SJT1:L:code-2'))
    expect(w.find('.seconds').text()).toBe('30')
    w.unmount()
  })

  it('offers a retry when the code cannot be fetched', async () => {
    const fetcher = vi.fn(async () => { throw new Error('x') })
    const w = mount(QrCountdown, { global, props: { fetcher } })
    await flushPromises()
    expect(w.find('[role="alert"]').text()).toContain('二维码获取失败')
    w.unmount()
  })
})

describe('ScanBox', () => {
  it('is focused, takes scanner-gun input ending in Enter, and clears itself', async () => {
    const w = mount(ScanBox, { global, props: { camera: false }, attachTo: document.body })
    const input = w.find('[data-testid="scan-input"]')
    expect(document.activeElement).toBe(input.element)
    // A scanner gun types character by character, then Enter.
    for (const ch of 'SJT1:L:abc.def') {
      input.element.value += ch
      await input.trigger('input')
    }
    await input.trigger('keydown', { key: 'Enter' })
    await w.find('form').trigger('submit')
    expect(w.emitted('scan')).toEqual([['SJT1:L:abc.def']])
    expect(input.element.value).toBe('')
    w.unmount()
  })

  it('ignores empty scans and takes the focus back after a blur', async () => {
    vi.useFakeTimers()
    const w = mount(ScanBox, { global, props: { camera: false }, attachTo: document.body })
    const input = w.find('[data-testid="scan-input"]')
    await w.find('form').trigger('submit')
    expect(w.emitted('scan')).toBeUndefined()
    input.element.blur()
    await input.trigger('blur')
    expect(document.activeElement).not.toBe(input.element)
    vi.advanceTimersByTime(200)
    expect(document.activeElement).toBe(input.element)
    w.unmount()
  })
})

describe('CounterPage', () => {
  it('shows a licence as valid, then as already used', async () => {
    setActivePinia(createPinia())
    let calls = 0
    stubFetch(
      (url) => url.startsWith('/api/v1/counter/queue') ? jsonResponse(200, { date: '2026-11-26', items: [] }) : undefined,
      (url) => {
        if (url !== '/api/v1/counter/scan') return undefined
        calls += 1
        return calls === 1
          ? jsonResponse(200, { kind: 'licence', result: { valid: true, reason: null, message: '核验通过', purpose: 'validity',
            purpose_label: '核验证照真伪及有效期', licence: { type_name: '营业执照', holder: '太原晋味餐饮有限公司', status: 'valid',
              status_label: '有效', fields: [{ key: 'name', label: '名称', value: '太原晋味餐饮有限公司', sensitive: false }] } } })
          // licenses/verify answers a replayed code with 200 { valid: false, reason }
          : jsonResponse(200, { kind: 'licence', result: { valid: false, reason: 'REPLAYED', message: '该亮证码已使用过，请持证人刷新后重试',
            purpose: 'validity', purpose_label: '核验证照真伪及有效期', licence: null } })
      },
    )
    const { default: CounterPage } = await import('@/pages/counter/CounterPage.vue')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
    const w = mount(CounterPage, { global: { plugins: [Vant, router] }, attachTo: document.body })
    const input = w.find('[data-testid="scan-input"]')
    await input.setValue('SJT1:L:xyz')
    await w.find('form').trigger('submit')
    await flushPromises()
    const result = () => w.find('[data-testid="scan-result"]')
    expect(result().attributes('data-ok')).toBe('true')
    expect(result().text()).toContain('核验通过')
    expect(result().text()).toContain('名称：太原晋味餐饮有限公司')
    await input.setValue('SJT1:L:xyz')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(result().attributes('data-ok')).toBe('false')
    expect(result().text()).toContain('该亮证码已使用过')
    w.unmount()
  })
})

describe('CounterPage check-in', () => {
  it('shows the queue number, then a refused second scan with the appointment it names', async () => {
    setActivePinia(createPinia())
    const desk = { id: 'ap1', status: 'checked_in', queue_no: 'A023', item_code: '140100-07-0701', item_name: '二手房转移登记',
      window_group: 'A', starts_at: '2026-11-26T01:00:00+00:00', ends_at: '2026-11-26T01:30:00+00:00', person: '张*明',
      checked_in_at: '2026-11-26T00:58:00+00:00' }
    let calls = 0
    stubFetch(
      (url) => url.startsWith('/api/v1/counter/queue') ? jsonResponse(200, { date: '2026-11-26', items: calls ? [desk] : [] }) : undefined,
      (url) => {
        if (url !== '/api/v1/counter/scan') return undefined
        calls += 1
        return calls === 1 ? jsonResponse(200, { kind: 'appointment', result: desk })
          : jsonResponse(409, { error: { code: 'ALREADY_CHECKED_IN', message: '该预约已签到', details: desk } })
      },
    )
    const { default: CounterPage } = await import('@/pages/counter/CounterPage.vue')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div />' } }] })
    const w = mount(CounterPage, { global: { plugins: [Vant, router] }, attachTo: document.body })
    const input = w.find('[data-testid="scan-input"]')
    await input.setValue('SJT1:A:abc')
    await w.find('form').trigger('submit')
    await flushPromises()
    const result = () => w.find('[data-testid="scan-result"]')
    expect(result().attributes('data-ok')).toBe('true')
    expect(result().find('.r-queue').text()).toBe('A023')
    expect(result().text()).toContain('09:00-09:30')
    await vi.waitFor(() => expect(w.text()).toContain('A023 张*明'))
    await input.setValue('SJT1:A:abc')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(result().attributes('data-ok')).toBe('false')
    expect(result().text()).toContain('该预约已签到')
    expect(result().text()).toContain('排队号 A023')
    w.unmount()
  })
})

describe('BarChart, SchemaForm and urgency', () => {
  it('draws bars with target markers and colours misses red', () => {
    const w = mount(BarChart, { props: { title: '网上可办率', unit: '%', max: 100,
      bars: [{ label: '省级', value: 92, target: 90 }, { label: '市级', value: 70, target: 80 }] } })
    const rects = w.findAll('rect')
    expect(rects.map((r) => r.attributes('fill'))).toEqual(['#1989fa', '#ee0a24'])
    expect(w.findAll('line')).toHaveLength(2)
    expect(w.find('svg').attributes('aria-label')).toContain('省级92.0%')
  })

  it('renders fields from a JSON Schema and emits values', async () => {
    const schema = { type: 'object', required: ['name'], properties: {
      name: { type: 'string', title: '经营者姓名' }, staff: { type: 'integer', title: '从业人数' } } }
    const w = mount(SchemaForm, { global, props: { schema, modelValue: {} } })
    expect(w.text()).toContain('经营者姓名')
    expect(w.text()).toContain('从业人数')
    await w.findAll('input')[1].setValue('12')
    expect(w.emitted('update:modelValue').at(-1)[0]).toEqual({ staff: 12 })
  })

  it('sorts the review queue red, yellow, green', () => {
    const list = [
      { id: 'g', status: 'accepted', urgency: 'normal', due_date: '2026-12-20' },
      { id: 'r', status: 'accepted', urgency: 'red', due_date: '2026-11-20' },
      { id: 'n', status: 'submitted', urgency: 'normal', accept_deadline: '2026-12-01' },
      { id: 'y', status: 'submitted', urgency: 'yellow', accept_deadline: '2026-11-27' },
    ]
    expect(byUrgency(list).map((c) => c.id)).toEqual(['r', 'y', 'n', 'g'])
  })
})
