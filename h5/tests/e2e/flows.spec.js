// The "Done when" scenarios, end to end in a real browser against the platform that
// global-setup.js started (embedded mode: the WeChat simulator plays the mini-program's side).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectPlatform, launchBrowser, PHONE, PNG, TABLET, DEMO_PASSWORD, sample, screenshot, watchConsole, withSession } from './platform'
import { requireEndpoints, requireOnBehalf } from './pending'

const NEEDS = {
  a: ['auth/qr', 'auth/qr/{ticket}', 'auth/qr/{ticket}/scan', 'auth/qr/{ticket}/confirm', 'items', 'items/{code}', 'files',
    'applications', 'applications/{id}', 'applications/{id}/submit', 'halls', 'halls/{id}/slots', 'appointments',
    'appointments/{id}'],
  b: ['auth/password/login', 'review/applications', 'review/applications/{id}', 'review/applications/{id}/accept',
    'review/applications/{id}/approve', 'review/applications/{id}/complete', 'wallet/licenses'],
  c: ['auth/password/login', 'wallet/licenses', 'wallet/licenses/{id}', 'wallet/licenses/{id}/show', 'counter/scan'],
  d: ['auth/password/login', 'delegations/request', 'delegations/{ticket}/confirm', 'delegations', 'items/{code}',
    'applications', 'applications/{id}/submit'],
}
// Seeded items (app/catalog/seed_data): 出生医学证明首次签发 in 太原 issues an electronic 出生医学证明;
// 二手房转移登记 is bookable at 太原市政务服务中心; 高龄津贴申请 is what a village agent applies for.
const APPLY_ITEM = { code: '140100-20-0601', name: '出生医学证明首次签发' }
const BOOK_ITEM = { code: '140100-07-0701', name: '二手房转移登记' }
const AGENT_ITEM = '140121100201-05-1601'
const REVIEW_DEPARTMENT = '市场监管' // reviewer.wu's department (app/identity/seed.py)

let platform
let browser
const state = {} // what one scenario hands the next: resident login, form values, case id

beforeAll(async () => {
  platform = connectPlatform(inject('platformUrl'))
  browser = await launchBrowser()
  // Reviewers see the cases of their department; the seed files this item under the 卫健 line
  // department while reviewer.wu belongs to the 行政审批 bureau that implements it. The admin
  // moves it, as an admin would through the catalogue API.
  const admin = await platform.loginStaff('admin')
  await platform.api('PATCH', `items/${APPLY_ITEM.code}`, { token: admin.access_token, body: { department: REVIEW_DEPARTMENT } })
})
afterAll(async () => {
  await browser?.close()
})

async function fillApplication(page, code, { wallet = true } = {}) {
  const guide = await platform.api('GET', `items/${code}`)
  const values = {}
  for (const [name, s] of Object.entries(guide.form_schema?.properties || {})) {
    if (s.type === 'boolean') continue
    const v = sample(s)
    values[name] = v
    const title = new RegExp(`^\\s*${(s.title || name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`)
    const field = page.locator('.van-field').filter({ has: page.locator('.van-field__label', { hasText: title }) }).first()
    if (Array.isArray(v)) {
      for (const x of v) await field.getByRole('checkbox', { name: String(x) }).click()
    } else if (s.enum) {
      await field.getByRole('radio', { name: String(v) }).click()
    } else {
      await field.locator('input, textarea').first().fill(String(v))
    }
  }
  for (const m of guide.materials) {
    if (!m.required) continue
    const row = page.getByTestId(`material-${m.code}`)
    const fromWallet = row.getByRole('button', { name: /使用证照夹中的/ })
    if (wallet && m.license_type && await fromWallet.count()) {
      await fromWallet.first().click()
      await expect.poll(() => row.textContent()).toContain('免提交')
    } else {
      await row.locator('input[type=file]').setInputFiles({ name: `${m.code}.png`, mimeType: 'image/png', buffer: PNG })
      await expect.poll(() => row.textContent()).toContain('已上传')
    }
  }
  return values
}

async function staffLogin(page, username) {
  await page.goto(`${platform.baseUrl}/h5/#/login`)
  await page.getByRole('tab', { name: '工作人员' }).click()
  await page.getByRole('textbox', { name: '账号', exact: true }).fill(username)
  await page.locator('input[name=password]').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

const confirmDialog = (page) => page.locator('.van-dialog').getByRole('button', { name: '确认' }).click()

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
    await screenshot(page, 'a-login-qr-360')

    // The mini-program: wx.login → auth/wechat/login, then it scans the page's code and confirms.
    const resident = await platform.loginResident('demo-resident-zhang')
    const scanned = await platform.api('POST', `auth/qr/${ticket}/scan`, { token: resident.access_token })
    expect(scanned.state).toBe('scanned')
    await expect.poll(() => page.getByTestId('qr-login').textContent()).toContain('已扫码')
    await platform.api('POST', `auth/qr/${ticket}/confirm`, { token: resident.access_token })
    await page.waitForURL(/#\/home/, { timeout: 30_000 })
    await expect.poll(() => page.locator('.hello').textContent()).toContain('张晓明')
    state.resident = resident

    // Search by name, open the guide, apply: the form from the item's JSON Schema, the ID card
    // from the wallet (免提交) and the registration form uploaded.
    await page.goto(`${platform.baseUrl}/h5/#/search?q=${encodeURIComponent('出生医学证明')}`)
    await page.getByTestId('search-results').getByText(APPLY_ITEM.name, { exact: true }).first().click()
    await page.waitForURL(/#\/items\//)
    await page.getByRole('button', { name: '在线申请' }).click()
    await page.waitForURL(/#\/apply\//)
    await page.getByTestId('material-M01').getByRole('button', { name: /使用证照夹中的/ }).first().waitFor()
    state.form = await fillApplication(page, APPLY_ITEM.code)
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await screenshot(page, 'a-apply-filled-360')
    await page.getByRole('button', { name: '提交申请' }).click()
    await page.waitForURL(/#\/cases\/[^/]+$/)
    state.caseId = page.url().split('/cases/')[1]
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('已提交')
    await expect.poll(() => page.locator('.timeline-event').count()).toBeGreaterThan(0)
    await screenshot(page, 'a-case-submitted-360')

    // Book at the hall: guide → 预约取号 → hall → date → slot → the ticket with its QR.
    await page.goto(`${platform.baseUrl}/h5/#/items/${BOOK_ITEM.code}`)
    await page.getByRole('button', { name: '预约到大厅办理' }).click()
    await page.waitForURL(/#\/book/)
    await page.getByRole('radio', { name: '太原市政务服务中心' }).click()
    let booked = false
    for (const date of await page.locator('button.date').all()) {
      await date.click()
      await page.locator('.slot-picker').waitFor()
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
    expect(await page.getByTestId('ticket').textContent()).toContain(BOOK_ITEM.name)
    await screenshot(page, 'a-ticket-360')
    expect(problems).toEqual([])
    await context.close()
  })

  it('(b) a reviewer accepts and completes the case; the resident sees the licence in the wallet', async (ctx) => {
    await requireEndpoints(ctx, platform, 'b', NEEDS.b)
    expect(state.caseId, 'scenario (a) must have created the case').toBeTruthy()
    const context = await browser.newContext(TABLET)
    const page = await context.newPage()
    const problems = watchConsole(page)
    await staffLogin(page, 'reviewer.wu')
    await page.waitForURL(/#\/review/)
    const row = page.locator('.q-item').filter({ hasText: APPLY_ITEM.name })
    await row.first().waitFor()
    await screenshot(page, 'b-review-queue-tablet')
    await row.first().click()
    await page.waitForURL(new RegExp(`#/review/${state.caseId}`))
    // the wallet ID card stands in for the material; the upload is there
    await expect.poll(() => page.getByTestId('review-material-M01').textContent()).toContain('免提交')
    await page.getByRole('button', { name: '受理', exact: true }).click()
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('已受理')
    await page.getByRole('button', { name: '批准', exact: true }).click()
    await confirmDialog(page)
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('审批通过')
    await page.getByRole('button', { name: '办结并签发证照' }).click()
    await confirmDialog(page)
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('已办结')
    await screenshot(page, 'b-review-completed-tablet')
    expect(problems).toEqual([])
    await context.close()

    // The resident's wallet gathers the new 出生医学证明 (the baby's name from the form).
    const phone = await browser.newContext(PHONE)
    await withSession(phone, state.resident)
    const rp = await phone.newPage()
    await rp.goto(`${platform.baseUrl}/h5/#/wallet`)
    const card = rp.getByTestId('license-card').filter({ hasText: String(state.form.baby_name) })
    await expect.poll(async () => {
      if (await card.count()) return true
      await rp.reload()
      await rp.getByTestId('license-card').first().waitFor()
      return card.count().then((n) => n > 0)
    }, { timeout: 20_000 }).toBe(true)
    await screenshot(rp, 'b-wallet-360')
    // The result waits at the hall: the case page shows the pickup code (only the applicant sees it).
    await rp.goto(`${platform.baseUrl}/h5/#/cases/${state.caseId}`)
    await expect.poll(() => rp.getByLabel('取件码').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await rp.getByLabel('取件码').textContent()).toMatch(/\d{6}/)
    await screenshot(rp, 'b-case-pickup-360')
    await phone.close()
  })

  it('(c) the counter scans the licence code: valid, then already used', async (ctx) => {
    await requireEndpoints(ctx, platform, 'c', NEEDS.c)
    const resident = state.resident || await platform.loginResident('demo-resident-zhang')
    const phone = await browser.newContext(PHONE)
    await withSession(phone, resident)
    const rp = await phone.newPage()
    await rp.goto(`${platform.baseUrl}/h5/#/wallet`)
    const cards = rp.getByTestId('license-card')
    await cards.first().waitFor()
    const issued = cards.filter({ hasText: String(state.form?.baby_name ?? '') })
    await ((state.form && await issued.count()) ? issued : cards).first().click()
    await rp.getByTestId('show-license').click()
    const code = rp.locator('img[alt="亮证二维码"]')
    await code.waitFor()
    const payload = await code.getAttribute('data-payload')
    expect(payload).toMatch(/^SJT1:L:/)
    await expect.poll(() => rp.locator('.seconds').textContent()).toMatch(/^\d+$/)
    await screenshot(rp, 'c-show-licence-360')

    const desk = await browser.newContext(TABLET)
    const page = await desk.newPage()
    await staffLogin(page, 'counter.sun')
    await page.waitForURL(/#\/counter/)
    const input = page.getByTestId('scan-input')
    await input.waitFor()
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true)
    // A scanner gun is a keyboard: it types the payload into the focused box, then Enter.
    await page.keyboard.type(payload, { delay: 2 })
    await page.keyboard.press('Enter')
    const result = page.getByTestId('scan-result')
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true')
    expect(await result.textContent()).toContain('核验通过')
    expect(await result.textContent()).toContain('出生医学证明')
    await screenshot(page, 'c-counter-valid-tablet')
    await page.keyboard.type(payload, { delay: 2 })
    await page.keyboard.press('Enter')
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false')
    expect(await result.textContent()).toContain('已使用过')
    await screenshot(page, 'c-counter-already-used-tablet')
    await desk.close()
    await phone.close()
  })

  it('(d) an agent creates a delegation the resident confirms, then applies on their behalf', async (ctx) => {
    await requireEndpoints(ctx, platform, 'd', NEEDS.d)
    const context = await browser.newContext(TABLET)
    const page = await context.newPage()
    const problems = watchConsole(page)
    await staffLogin(page, 'agent.zhao')
    await page.waitForURL(/#\/agent/)
    await page.getByRole('button', { name: '生成授权二维码' }).click()
    const qr = page.locator('img[alt="代办授权二维码"]')
    await qr.waitFor()
    const payload = await qr.getAttribute('data-payload')
    expect(payload).toMatch(/^SJT1:D:/)
    await screenshot(page, 'd-agent-qr-tablet')

    // The resident's mini-program scans it, reads what it grants, and confirms.
    const elder = await platform.loginResident('demo-resident-li')
    const ticket = payload.slice('SJT1:D:'.length)
    const preview = await platform.api('GET', `delegations/requests/${ticket}`, { token: elder.access_token })
    expect(preview.agent_name).toContain('赵丽')
    const delegation = await platform.api('POST', `delegations/${ticket}/confirm`, { token: elder.access_token })
    expect(delegation.state).toBe('active')
    // The workbench notices the confirmation by itself (it polls while the QR is up). Names are masked.
    await page.getByRole('button', { name: `代${delegation.principal_name}办理` }).first().click({ timeout: 15_000 })
    await page.waitForURL(/#\/home/)
    await expect.poll(() => page.getByTestId('on-behalf-banner').textContent()).toContain(`代 ${delegation.principal_name} 办理`)
    await screenshot(page, 'd-agent-acting-tablet')
    expect(problems).toEqual([])

    // Applying on the resident's behalf needs X-On-Behalf-Of on the applications routes (branch onbehalf).
    const agent = await platform.loginStaff('agent.zhao')
    await requireOnBehalf(ctx, platform, { agentToken: agent.access_token, delegationId: delegation.id })
    await page.goto(`${platform.baseUrl}/h5/#/apply/${encodeURIComponent(AGENT_ITEM)}`)
    await page.getByRole('button', { name: '提交申请' }).waitFor()
    await fillApplication(page, AGENT_ITEM, { wallet: false })
    await page.getByRole('button', { name: '提交申请' }).click()
    await page.waitForURL(/#\/cases\/[^/]+$/)
    expect(await page.getByTestId('on-behalf-banner').textContent()).toContain(delegation.principal_name)
    await screenshot(page, 'd-agent-applied-tablet')
    const mine = await platform.api('GET', 'applications', { token: elder.access_token })
    const applied = mine.items.find((a) => a.id === page.url().split('/cases/')[1])
    expect(applied, 'the case belongs to the resident').toBeTruthy()
    expect(applied.actor_id).not.toBe(applied.applicant_id)
    await context.close()
  })
})
