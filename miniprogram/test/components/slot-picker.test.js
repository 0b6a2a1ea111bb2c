const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

describe('slot-picker', () => {
  const id = simulate.load(path.join(ROOT, 'components/slot-picker/index'))
  const slots = [
    // the API's SlotOut: instants in UTC, shown in Shanghai
    { id: 's1', starts_at: '2026-11-26T01:00:00Z', ends_at: '2026-11-26T01:30:00Z', capacity: 5, remaining: 3, bookable: true },
    { id: 's2', starts_at: '2026-11-26T01:30:00Z', ends_at: '2026-11-26T02:00:00Z', capacity: 5, remaining: 0, bookable: false },
    { id: 's3', start: '10:00', end: '10:30', capacity: 5, booked: 4 },
    { id: 's0', starts_at: '2026-11-26T00:30:00Z', ends_at: '2026-11-26T01:00:00Z', capacity: 5, remaining: 2, bookable: false },
  ]

  function mount(props) {
    const comp = simulate.render(id, props)
    comp.attach(document.createElement('parent-wrapper'))
    return comp
  }

  test('shows remaining seats, full and past slots', () => {
    const comp = mount({ slots })
    const labels = comp.querySelectorAll('.slot__label').map((n) => n.dom.textContent)
    expect(labels).toEqual(['余3', '已满 · 可候补', '余1', '已结束'])
    expect(comp.querySelectorAll('.slot')[1].dom.className).toContain('slot--full')
  })

  test('tapping a free slot selects it and emits change', async () => {
    const comp = mount({ slots })
    const changes = []
    comp.addEventListener('change', (e) => changes.push(e.detail))
    comp.querySelectorAll('.slot')[0].dispatchEvent('tap')
    await simulate.sleep(0)
    expect(changes).toEqual([{ slotId: 's1', time: '09:00-09:30', remaining: 3 }])
    expect(comp.querySelectorAll('.slot')[0].dom.className).toContain('slot--selected')
  })

  test('tapping a full slot offers the waitlist; a past slot does nothing', async () => {
    const comp = mount({ slots })
    const changes = []
    const waits = []
    comp.addEventListener('change', (e) => changes.push(e.detail))
    comp.addEventListener('waitlist', (e) => waits.push(e.detail.slotId))
    comp.querySelectorAll('.slot')[1].dispatchEvent('tap')
    comp.querySelectorAll('.slot')[3].dispatchEvent('tap')
    await simulate.sleep(0)
    expect(waits).toEqual(['s2'])
    expect(changes).toEqual([])
  })

  test('without waitlist a full slot reads 已约满 and emits nothing', async () => {
    const comp = mount({ slots, waitlist: false })
    const events = []
    comp.addEventListener('waitlist', () => events.push('w'))
    expect(comp.querySelectorAll('.slot__label')[1].dom.textContent).toBe('已约满')
    comp.querySelectorAll('.slot')[1].dispatchEvent('tap')
    await simulate.sleep(0)
    expect(events).toEqual([])
  })
})
