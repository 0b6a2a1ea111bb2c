// Runs against what exists today: demo login → home → search, and the counter scan box.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, PHONE, TABLET, screenshot, connectPlatform, unlabelledControls, watchConsole, withSession } from './platform'

let platform
let browser

beforeAll(async () => {
  platform = connectPlatform(inject('platformUrl'))
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

const noHorizontalScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

describe('resident at 360 px', () => {
  it('demo login → home → search page', async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    const problems = watchConsole(page)
    await page.goto(`${platform.baseUrl}/h5/#/login`)
    await page.locator('.van-tab').first().waitFor()
    // The icon font must load under the platform's CSP (no tofu boxes).
    await expect.poll(() => page.evaluate(() => document.fonts.check('16px vant-icon'))).toBe(true)
    await page.getByRole('tab', { name: '演示登录' }).click()
    await screenshot(page, 'login-demo-360')
    expect(await unlabelledControls(page)).toEqual([])
    await page.getByLabel('以演示居民张晓明登录').click()
    await page.waitForURL(/#\/home/)
    await expect.poll(() => page.locator('.hello').textContent()).toContain('张晓明')
    expect(await noHorizontalScroll(page)).toBe(true)
    await screenshot(page, 'home-360')
    expect(await unlabelledControls(page)).toEqual([])

    await page.getByLabel('搜索服务事项').first().click()
    await page.waitForURL(/#\/search/)
    const box = page.getByRole('searchbox').or(page.locator('[data-testid="search-input"] input'))
    await expect.poll(() => box.first().isVisible()).toBe(true)
    await box.first().fill('sfz')
    await box.first().press('Enter')
    await page.waitForURL(/q=sfz/)
    if ((await platform.paths()).has('/api/v1/items')) {
      await page.locator('[data-testid="search-results"] .van-cell').first().waitFor()
    }
    expect(await noHorizontalScroll(page)).toBe(true)
    await screenshot(page, 'search-360')
    expect(await unlabelledControls(page)).toEqual([])
    expect(problems).toEqual([])
    await context.close()
  })

  it('elder mode enlarges type and is remembered', async () => {
    const login = await platform.loginResident('demo-resident-li')
    const context = await browser.newContext(PHONE)
    await withSession(context, login)
    const page = await context.newPage()
    await page.goto(`${platform.baseUrl}/h5/#/home`)
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.section-title')).fontSize))
    await page.locator('.section-title').first().waitFor()
    const before = await size()
    await page.getByLabel('开启长辈模式').click()
    await expect.poll(size).toBeGreaterThan(before)
    await page.reload()
    await page.locator('.section-title').first().waitFor()
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true)
    expect(await noHorizontalScroll(page)).toBe(true)
    await screenshot(page, 'home-elder-360')
    await context.close()
  })
})

describe('counter scan box', () => {
  it('takes scanner-gun input and shows the API answer', async () => {
    const login = await platform.loginStaff('counter.sun')
    expect(login.account.role).toBe('counter')
    for (const [name, options] of [['360', PHONE], ['tablet', TABLET]]) {
      const context = await browser.newContext(options)
      await withSession(context, login)
      const page = await context.newPage()
      await page.goto(`${platform.baseUrl}/h5/#/counter`)
      const input = page.getByTestId('scan-input')
      await input.waitFor()
      await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true)

      // What the API says about a code that is not a 三晋通 code, and about a login code.
      const expected = []
      for (const payload of ['HELLO-NOT-A-CODE', 'SJT1:Q:not-for-the-counter']) {
        const err = await platform.api('POST', 'counter/scan', { body: { payload }, token: login.access_token }).catch((e) => e)
        expect(err.status).toBe(422)
        expected.push(err.data.error.message)
      }
      // A scanner gun is a keyboard: it types fast into the focused box, then presses Enter.
      await page.keyboard.type('HELLO-NOT-A-CODE', { delay: 5 })
      await page.keyboard.press('Enter')
      const result = page.getByTestId('scan-result')
      await expect.poll(() => result.textContent()).toContain(expected[0])
      expect(await result.getAttribute('data-ok')).toBe('false')
      expect(await input.inputValue()).toBe('')
      await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true)

      await page.keyboard.type('SJT1:Q:not-for-the-counter', { delay: 5 })
      await page.keyboard.press('Enter')
      await expect.poll(() => result.textContent()).toContain(expected[1])
      if (name === '360') expect(await noHorizontalScroll(page)).toBe(true)
      await screenshot(page, `counter-${name}`)
      expect(await unlabelledControls(page)).toEqual([])
      await context.close()
    }
  })
})
