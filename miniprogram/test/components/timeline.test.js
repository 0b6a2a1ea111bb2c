const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

describe('timeline', () => {
  const id = simulate.load(path.join(ROOT, 'components/timeline/index'))
  const events = [
    { status: 'submitted', label: '已提交', at: '2026-11-20T01:00:00Z', actor_name: '张晓明' },
    { status: 'needs_correction', label: '待补正', at: '2026-11-21T02:30:00Z', actor_name: '吴强', note: '身份证反面不清晰' },
    { status: 'accepted', label: '已受理', at: '2026-11-23T03:00:00Z', actor_name: '吴强', on_behalf_of_name: '' },
  ]

  test('renders newest first in Shanghai time, current step marked', async () => {
    const comp = simulate.render(id, { events })
    comp.attach(document.createElement('parent-wrapper'))
    await simulate.sleep(0)
    const rows = comp.querySelectorAll('.timeline__row')
    expect(rows).toHaveLength(3)
    expect(comp.querySelectorAll('.timeline__title')[0].dom.textContent).toBe('已受理')
    expect(rows[0].dom.className).toContain('timeline__row--current')
    expect(comp.querySelectorAll('.timeline__meta')[2].dom.textContent).toContain('2026-11-20 09:00')
  })

  test('tapping a step shows its note and emits select; tapping again hides it', async () => {
    const comp = simulate.render(id, { events })
    comp.attach(document.createElement('parent-wrapper'))
    const selected = []
    comp.addEventListener('select', (e) => selected.push(e.detail.index))
    const row = comp.querySelectorAll('.timeline__row')[1]
    expect(comp.querySelectorAll('.timeline__note')).toHaveLength(0)
    row.dispatchEvent('tap')
    await simulate.sleep(0)
    expect(comp.querySelectorAll('.timeline__note').map((n) => n.dom.textContent)).toEqual(['身份证反面不清晰'])
    comp.querySelectorAll('.timeline__row')[1].dispatchEvent('tap')
    await simulate.sleep(0)
    expect(comp.querySelectorAll('.timeline__note')).toHaveLength(0)
    expect(selected).toEqual([1, 1])
  })

  test('empty list says so', () => {
    const comp = simulate.render(id, { events: [] })
    comp.attach(document.createElement('parent-wrapper'))
    expect(comp.querySelector('.timeline__empty').dom.textContent).toBe('暂无办理记录')
  })
})
