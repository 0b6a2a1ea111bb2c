// The "Done when" scenarios, end to end in a real browser. Each needs backend endpoints
// that land on other branches; pending.js skips them until then (and fails them once the lead
// flips ALL_ENDPOINTS_MERGED).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, PHONE, TABLET, DEMO_PASSWORD, screenshot, startPlatform, watchConsole, withSession } from './platform'
import { requireEndpoints } from './pending'

const NEEDS = {
  a: ['auth/qr', 'auth/qr/{ticket}', 'auth/qr/{ticket}/scan', 'auth/qr/{ticket}/confirm', 'items', 'items/{code}', 'files',
    'applications', 'applications/{id}', 'applications/{id}/submit', 'halls', 'halls/{id}/slots', 'appointments',
    'appointments/{id}'],
  b: ['auth/password/login', 'review/applications', 'review/applications/{id}/accept', 'review/applications/{id}/approve',
    'review/applications/{id}/complete', 'wallet/licenses'],
  c: ['auth/password/login', 'wallet/licenses', 'wallet/licenses/{id}', 'wallet/licenses/{id}/show', 'counter/scan'],
  d: ['auth/password/login', 'delegations/request', 'delegations/{ticket}/confirm', 'delegations', 'items/{code}',
    'applications', 'applications/{id}/submit'],
}
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

let platform
let browser
const state = {} // what one scenario hands the next: item, resident login, case id, licence id

beforeAll(async () => {
  platform = await startPlatform()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await platform?.stop()
})

async function pickItem(token) {
  const page = await platform.api('GET', 'items?limit=50', { token })
  const items = page.items || []
  const online = items.filter((i) => (i.online_depth ?? 0) >= 3)
  return online.find((i) => i.bookable) || online[0] || items[0]
}

async function fillApplication(page, item) {
  const detail = await platform.api('GET', `items/${item.code}`)
  const schema = detail.form_schema || detail.schema || { properties: {} }
  for (const [name, s] of Object.entries(schema.properties || {})) {
    if (s.enum) {
      await page.locator(`.van-field`).filter({ hasText: s.title || name }).locator('.van-radio').first().click()
    } else if (s.type !== 'boolean') {
      const value = s.examples?.[0] ?? s.default ?? (s.type === 'integer' || s.type === 'number' ? 1 : s.format === 'date' ? '2026-12-01' : '测试填写')
      await page.getByLabel(s.title || name, { exact: true }).fill(String(value))
    }
  }
  for (const m of detail.materials || []) {
    if (!m.required) continue
    const key = m.id || m.code || m.name
    const row = page.getByTestId(`material-${key}`)
    const useLicence = row.getByRole('button', { name: /使用证照夹中的/ })
    if (await useLicence.count()) {
      await useLicence.first().click()
    } else {
      await row.locator('input[type=file]').setInputFiles({ name: `${m.name}.png`, mimeType: 'image/png', buffer: PNG })
      await expect.poll(() => row.textContent()).toContain('.png')
    }
  }
}

async function staffLogin(page, username) {
  await page.goto(`${platform.baseUrl}/h5/#/login`)
  await page.getByRole('tab', { name: '工作人员' }).click()
  await page.getByLabel('账号', { exact: true }).fill(username)
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
}

describe('Done-when scenarios', () => {
  it('(a) resident logs in by QR (mini-program played through the API), searches, applies, books, sees the ticket', async (ctx) => {
    await requireEndpoints(ctx, platform, 'a', NEEDS.a)
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(`${platform.baseUrl}/h5/#/login`)
    const qr = page.locator('img[alt="登录二维码"]')
    await qr.waitFor()
    const payload = await qr.getAttribute('data-payload')
    expect(payload).toMatch(/^SJT1:Q:/)
    const ticket = payload.slice('SJT1:Q:'.length)

    // The mini-program: logged in already, scans the code, then confirms.
    const resident = await platform.loginResident('demo-resident-zhang')
    await platform.api('POST', `auth/qr/${ticket}/scan`, { token: resident.access_token })
    await expect.poll(() => page.getByTestId('qr-login').textContent()).toContain('已扫码')
    await platform.api('POST', `auth/qr/${ticket}/confirm`, { token: resident.access_token })
    await page.waitForURL(/#\/home/, { timeout: 30_000 })
    state.resident = resident

    const item = await pickItem(resident.access_token)
    state.item = item
    await page.goto(`${platform.baseUrl}/h5/#/search?q=${encodeURIComponent(item.name)}`)
    await page.getByTestId('search-results').getByText(item.name, { exact: true }).first().click()
    await page.waitForURL(/#\/items\//)
    await page.getByRole('button', { name: '在线申请' }).click()
    await page.waitForURL(/#\/apply\//)
    await fillApplication(page, item)
    await page.getByRole('button', { name: '提交申请' }).click()
    await page.waitForURL(/#\/cases\/[^/]+$/)
    state.caseId = page.url().split('/cases/')[1]
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('已提交')
    await screenshot(page, 'a-case-submitted')

    await page.goto(`${platform.baseUrl}/h5/#/book?item=${encodeURIComponent(item.code)}`)
    await page.locator('.van-radio').first().click()
    let booked = false
    for (const date of await page.locator('button.date').all()) {
      await date.click()
      const slot = page.locator('button.slot:not([disabled])').first()
      if (await slot.count()) {
        await slot.click()
        booked = true
        break
      }
    }
    expect(booked).toBe(true)
    await page.getByRole('button', { name: '确认预约' }).click()
    await page.waitForURL(/#\/appointments\/[^/]+$/)
    const ticketQr = page.locator('img[alt="预约签到二维码"]')
    await ticketQr.waitFor()
    expect(await ticketQr.getAttribute('data-payload')).toMatch(/^SJT1:A:/)
    await screenshot(page, 'a-ticket')
    expect(problems).toEqual([])
    await context.close()
  })

  it('(b) a reviewer accepts and completes the case; the resident sees the licence in the wallet', async (ctx) => {
    await requireEndpoints(ctx, platform, 'b', NEEDS.b)
    expect(state.caseId, 'scenario (a) must have created the case').toBeTruthy()
    const context = await browser.newContext(TABLET)
    const page = await context.newPage()
    await staffLogin(page, 'reviewer.wu')
    await page.waitForURL(/#\/review/)
    await page.goto(`${platform.baseUrl}/h5/#/review/${state.caseId}`)
    await page.getByRole('button', { name: '受理' }).click()
    await page.getByRole('button', { name: '批准' }).click()
    await page.getByRole('button', { name: '确认' }).click()
    await page.getByRole('button', { name: '办结并签发证照' }).click()
    await page.getByRole('button', { name: '确认' }).click()
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('已办结')
    await screenshot(page, 'b-review-completed')
    await context.close()

    const phone = await browser.newContext(PHONE)
    await withSession(phone, state.resident)
    const rp = await phone.newPage()
    await rp.goto(`${platform.baseUrl}/h5/#/wallet`)
    await rp.getByTestId('license-card').first().waitFor()
    await screenshot(rp, 'b-wallet')
    await phone.close()
  })

  it('(c) the counter scans the licence code: valid, then already used', async (ctx) => {
    await requireEndpoints(ctx, platform, 'c', NEEDS.c)
    const resident = state.resident || await platform.loginResident('demo-resident-zhang')
    const phone = await browser.newContext(PHONE)
    await withSession(phone, resident)
    const rp = await phone.newPage()
    await rp.goto(`${platform.baseUrl}/h5/#/wallet`)
    await rp.getByTestId('license-card').first().click()
    await rp.getByTestId('show-license').click()
    const code = rp.locator('img[alt="亮证二维码"]')
    await code.waitFor()
    const payload = await code.getAttribute('data-payload')
    expect(payload).toMatch(/^SJT1:L:/)
    await expect.poll(() => rp.locator('.seconds').textContent()).toMatch(/^\d+$/)
    await screenshot(rp, 'c-show-licence')

    const desk = await browser.newContext(TABLET)
    const page = await desk.newPage()
    await staffLogin(page, 'counter.sun')
    await page.waitForURL(/#\/counter/)
    await page.getByTestId('scan-input').waitFor()
    await page.keyboard.type(payload, { delay: 2 })
    await page.keyboard.press('Enter')
    const result = page.getByTestId('scan-result')
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true')
    expect(await result.textContent()).toContain('核验通过')
    await screenshot(page, 'c-counter-valid')
    await page.keyboard.type(payload, { delay: 2 })
    await page.keyboard.press('Enter')
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false')
    expect(await result.textContent()).toMatch(/已使用|已被使用|已核验/)
    await screenshot(page, 'c-counter-already-used')
    await desk.close()
    await phone.close()
  })

  it('(d) an agent creates a delegation the resident confirms, then applies on their behalf', async (ctx) => {
    await requireEndpoints(ctx, platform, 'd', NEEDS.d)
    const context = await browser.newContext(TABLET)
    const page = await context.newPage()
    await staffLogin(page, 'agent.zhao')
    await page.waitForURL(/#\/agent/)
    await page.getByRole('button', { name: '生成授权二维码' }).click()
    const qr = page.locator('img[alt="代办授权二维码"]')
    await qr.waitFor()
    const payload = await qr.getAttribute('data-payload')
    expect(payload).toMatch(/^SJT1:D:/)
    const elder = await platform.loginResident('demo-resident-li')
    await platform.api('POST', `delegations/${payload.slice('SJT1:D:'.length)}/confirm`, { token: elder.access_token, body: {} })
    // The workbench notices the confirmation by itself (it polls while the QR is up).
    await page.getByRole('button', { name: '代李桂花办理' }).click({ timeout: 15_000 })
    await page.waitForURL(/#\/home/)
    await expect.poll(() => page.getByTestId('on-behalf-banner').textContent()).toContain('代 李桂花 办理')

    const item = state.item || await pickItem(elder.access_token)
    await page.goto(`${platform.baseUrl}/h5/#/apply/${encodeURIComponent(item.code)}`)
    await fillApplication(page, item)
    await page.getByRole('button', { name: '提交申请' }).click()
    await page.waitForURL(/#\/cases\/[^/]+$/)
    expect(await page.getByTestId('on-behalf-banner').textContent()).toContain('李桂花')
    await screenshot(page, 'd-agent-applied')
    const mine = await platform.api('GET', 'applications', { token: elder.access_token })
    expect((mine.items || []).some((a) => a.id === page.url().split('/cases/')[1])).toBe(true)
    await context.close()
  })
})
