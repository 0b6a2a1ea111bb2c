// Screens whose data comes from endpoints still on other branches, rendered in the real browser
// with those answers stubbed (contract-shaped fixtures from DESIGN.md) — for layout at 360 px and
// tablet width, the self-refreshing 亮证 QR, the slot picker and the charts. Endpoints that
// already exist are NOT stubbed: the real platform answers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, PHONE, TABLET, screenshot, startPlatform, unlabelledControls, watchConsole, withSession } from './platform'

let platform
let browser
let specPaths

beforeAll(async () => {
  platform = await startPlatform()
  browser = await launchBrowser()
  specPaths = new Set([...(await platform.paths())].map((p) => p.replace(/\{[^}]+\}/g, '{}')))
})
afterAll(async () => {
  await browser?.close()
  await platform?.stop()
})

const inDays = (n) => new Date(Date.now() + n * 86400000).toISOString()
const FIXTURES = [
  ['GET', 'wallet/licenses', () => ({ items: [{ id: 'l1', type: 'BUSINESS_LICENSE', type_name: '营业执照', identifier: '91140100MA0K8Y2Q38-7',
    issuer_name: '太原市行政审批服务管理局', status: 'valid', valid_until: '2031-11-25' }], next_cursor: null })],
  ['GET', 'wallet/licenses/{}', () => ({ id: 'l1', type_name: '营业执照', identifier: '91140100MA0K8Y2Q38-7', status: 'valid',
    issuer_name: '太原市行政审批服务管理局', valid_until: '2031-11-25',
    fields: { name: '太原晋味餐饮有限公司', legal_rep: '王建国' }, field_labels: { name: '名称', legal_rep: '法定代表人' } })],
  ['POST', 'wallet/licenses/{}/show', () => ({ payload: `SJT1:L:demo.${Date.now()}`, expires_at: new Date(Date.now() + 60_000).toISOString() })],
  ['GET', 'halls', () => ({ items: [{ id: 'h1', name: '太原市政务服务中心', address: '太原市小店区长治路 189 号' }] })],
  ['GET', 'halls/{}/slots', () => ({ items: [
    { id: 's1', start: '09:00:00', end: '09:30:00', capacity: 6, booked: 6 },
    { id: 's2', start: '09:30:00', end: '10:00:00', capacity: 6, booked: 2 },
    { id: 's3', start: '10:00:00', end: '10:30:00', capacity: 6, booked: 5 },
    { id: 's4', start: '14:30:00', end: '15:00:00', capacity: 6, booked: 0 }] })],
  ['GET', 'review/applications', () => ({ items: [
    { id: 'c1', item_name: '食品经营许可证核发', applicant_name: '王*国', receipt_no: 'SJT20261120001', status: 'accepted', due_date: inDays(10) },
    { id: 'c2', item_name: '公共场所卫生许可', applicant_name: '张*明', receipt_no: 'SJT20261118004', status: 'accepted', due_date: inDays(-1), overdue: true },
    { id: 'c3', item_name: '个体工商户设立登记', applicant_name: '李*花', receipt_no: 'SJT20261121002', status: 'accepted', due_date: inDays(2) }] })],
  ['GET', 'delegations', () => ({ items: [
    { id: 'd1', resident_name: '李桂花', resident_id_number: '1401**********2121', status: 'active', expires_at: inDays(80) }] })],
  ['POST', 'delegations/request', () => ({ ticket: 'demo-ticket', payload: 'SJT1:D:demo-ticket', expires_at: inDays(0.01) })],
  ['GET', 'applications', () => ({ items: [
    { id: 'a1', item_name: '城乡居民养老保险参保登记', applicant_name: '李桂花', status: 'needs_correction', receipt_no: null }] })],
  ['GET', 'stats/overview', () => ({ total_applications: 1286, overdue: 7, satisfaction: { rate: 0.962,
    distribution: [{ score: 5, count: 812 }, { score: 4, count: 121 }, { score: 3, count: 20 }, { score: 2, count: 9 }, { score: 1, count: 6 }] },
    rectifications: { open: 3 },
    online_rate: [{ level: 'province', rate: 0.93, target: 0.9 }, { level: 'city', rate: 0.84, target: 0.8 }, { level: 'county', rate: 0.76, target: 0.8 }],
    volumes: [{ label: '11-19', count: 160 }, { label: '11-20', count: 212 }, { label: '11-21', count: 188 }, { label: '11-24', count: 240 }, { label: '11-25', count: 131 }] })],
]

async function stubMissing(page) {
  const stubbed = []
  for (const [method, path, body] of FIXTURES) {
    if (specPaths.has(`/api/v1/${path}`)) continue
    stubbed.push(`${method} ${path}`)
  }
  await page.route('**/api/v1/**', async (route) => {
    const req = route.request()
    const p = new URL(req.url()).pathname.replace('/api/v1/', '')
    const hit = FIXTURES.find(([m, pattern]) => m === req.method() && !specPaths.has(`/api/v1/${pattern}`)
      && new RegExp(`^${pattern.replace(/\{\}/g, '[^/]+')}$`).test(p))
    if (hit) return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(hit[2]()) })
    return route.fallback()
  })
  return stubbed
}

const noHorizontalScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

describe('screens at 360 px and tablet width', () => {
  it('wallet: 亮证 QR with a countdown that renews itself', async () => {
    const context = await browser.newContext(PHONE)
    await withSession(context, await platform.loginResident('demo-legal-wang'))
    const page = await context.newPage()
    const problems = watchConsole(page)
    await stubMissing(page)
    await page.goto(`${platform.baseUrl}/h5/#/wallet`)
    await page.getByTestId('license-card').first().click()
    await page.getByTestId('show-license').click()
    const qr = page.locator('img[alt="亮证二维码"]')
    await qr.waitFor()
    const first = await qr.getAttribute('data-payload')
    expect(first).toMatch(/^SJT1:L:/)
    await expect.poll(() => page.locator('.seconds').textContent()).toMatch(/^(5\d|60)$/)
    expect(await noHorizontalScroll(page)).toBe(true)
    await screenshot(page, 'wallet-show-360')
    expect(await unlabelledControls(page)).toEqual([])
    expect(problems).toEqual([])
    await context.close()
  })

  it('booking: hall, date and slots with remaining seats', async () => {
    const context = await browser.newContext(PHONE)
    await withSession(context, await platform.loginResident('demo-resident-zhang'))
    const page = await context.newPage()
    await stubMissing(page)
    await page.goto(`${platform.baseUrl}/h5/#/book?item=DEMO`)
    await page.locator('button.slot').first().waitFor()
    expect(await page.locator('button.slot[disabled]').count()).toBe(1)
    await page.locator('button.slot:not([disabled])').first().click()
    expect(await page.getByRole('button', { name: '确认预约' }).isEnabled()).toBe(true)
    expect(await noHorizontalScroll(page)).toBe(true)
    await screenshot(page, 'book-360')
    expect(await unlabelledControls(page)).toEqual([])
    await context.close()
  })

  it('reviewer queue is sorted red, yellow, green', async () => {
    const context = await browser.newContext(TABLET)
    await withSession(context, await platform.loginStaff('reviewer.wu'))
    const page = await context.newPage()
    await stubMissing(page)
    await page.goto(`${platform.baseUrl}/h5/#/review`)
    await page.locator('.q-item').first().waitFor()
    const classes = await page.locator('.q-item').evaluateAll((els) => els.map((e) => [...e.classList].find((c) => c.startsWith('urgency-'))))
    expect(classes).toEqual(['urgency-red', 'urgency-yellow', 'urgency-green'])
    await screenshot(page, 'review-queue-tablet')
    expect(await unlabelledControls(page)).toEqual([])
    await context.close()
  })

  it('agent workbench in landscape, and the 代办 banner', async () => {
    const context = await browser.newContext(TABLET)
    await withSession(context, await platform.loginStaff('agent.zhao'))
    const page = await context.newPage()
    await stubMissing(page)
    await page.goto(`${platform.baseUrl}/h5/#/agent`)
    await page.getByRole('button', { name: '生成授权二维码' }).click()
    await page.locator('img[alt="代办授权二维码"]').waitFor()
    await screenshot(page, 'agent-workbench-tablet')
    expect(await unlabelledControls(page)).toEqual([])
    await page.getByRole('button', { name: '代李桂花办理' }).click()
    await page.waitForURL(/#\/home/)
    expect(await page.getByTestId('on-behalf-banner').textContent()).toContain('代 李桂花 办理')
    await screenshot(page, 'agent-acting-tablet')
    expect(await unlabelledControls(page)).toEqual([])
    await context.close()
  })

  it('admin statistics as charts', async () => {
    for (const [name, options] of [['360', PHONE], ['tablet', TABLET]]) {
      const context = await browser.newContext(options)
      await withSession(context, await platform.loginStaff('admin'))
      const page = await context.newPage()
      await stubMissing(page)
      await page.goto(`${platform.baseUrl}/h5/#/admin`)
      await page.locator('svg rect').first().waitFor()
      // county 76% is below its 80% target: drawn red
      expect(await page.locator('figure').first().locator('rect').evaluateAll((r) => r.map((x) => x.getAttribute('fill'))))
        .toEqual(['#1989fa', '#1989fa', '#ee0a24'])
      if (name === '360') expect(await noHorizontalScroll(page)).toBe(true)
      await screenshot(page, `stats-${name}`)
    expect(await unlabelledControls(page)).toEqual([])
      await context.close()
    }
  })
})
