const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

describe('qr-countdown', () => {
  const id = simulate.load(path.join(ROOT, 'components/qr-countdown/index'))

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-25T08:00:00Z') })
  })
  afterEach(() => jest.useRealTimers())

  function mount(props) {
    const comp = simulate.render(id, props)
    comp.attach(document.createElement('parent-wrapper'))
    return comp
  }

  test('draws the payload as a QR grid and counts down', () => {
    const comp = mount({ payload: 'SJT1:L:abc.def', expiresAt: '2026-11-25T08:01:00Z', refreshBefore: 10 })
    expect(comp.querySelector('.qrc__code').querySelectorAll('.qr__row').length).toBeGreaterThanOrEqual(21)
    expect(comp.querySelector('.qrc__label').dom.textContent).toBe('1分00秒后自动刷新')
    jest.advanceTimersByTime(5000)
    expect(comp.querySelector('.qrc__label').dom.textContent).toBe('55秒后自动刷新')
  })

  test('asks for a new code refreshBefore seconds ahead, once per code', () => {
    const comp = mount({ payload: 'SJT1:L:one', expiresAt: '2026-11-25T08:00:30Z', refreshBefore: 10 })
    const reasons = []
    comp.addEventListener('refresh', (e) => reasons.push(e.detail.reason))
    jest.advanceTimersByTime(19000)
    expect(reasons).toEqual([])
    jest.advanceTimersByTime(2000)
    expect(reasons).toEqual(['expiring'])
    jest.advanceTimersByTime(3000)
    expect(reasons).toEqual(['expiring'])
    // the page answers with a new code: the countdown restarts
    comp.setData({ payload: 'SJT1:L:two', expiresAt: '2026-11-25T08:01:24Z' })
    expect(comp.querySelector('.qrc__label').dom.textContent).toBe('1分00秒后自动刷新')
  })

  test('at zero the code dims and reads 已失效; a tap refreshes by hand', async () => {
    const comp = mount({ payload: 'SJT1:L:x', expiresAt: '2026-11-25T08:00:03Z', refreshBefore: 1 })
    const reasons = []
    comp.addEventListener('refresh', (e) => reasons.push(e.detail.reason))
    jest.advanceTimersByTime(4000)
    expect(comp.querySelector('.qrc__label').dom.textContent).toBe('已失效，点击刷新')
    expect(comp.querySelector('.qrc__code').querySelector('.qr').dom.className).toContain('qr--dim')
    comp.querySelector('.qrc').dispatchEvent('tap')
    await Promise.resolve()
    expect(reasons).toEqual(['expiring', 'manual'])
  })
})
