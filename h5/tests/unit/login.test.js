import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import Vant from 'vant'
import { jsonResponse, stubFetch } from './helpers'

const ACCOUNT = { id: 'u1', role: 'resident', display_name: '张晓明', realname_level: 2 }

async function mountLogin() {
  setActivePinia(createPinia())
  const { default: LoginPage } = await import('@/pages/LoginPage.vue')
  const router = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/login', component: LoginPage }, { path: '/:p(.*)*', component: { template: '<div />' } }] })
  router.push('/login')
  await router.isReady()
  const w = mount({ template: '<router-view />' }, { global: { plugins: [Vant, router] } })
  return { w, router }
}

describe('LoginPage QR login', () => {
  it('shows the SJT1:Q: code, long-polls until confirmed, stores the tokens and goes home', async () => {
    const polls = []
    let n = 0
    stubFetch(
      (url) => url.startsWith('/wechat-sim/') ? jsonResponse(404, {}) : undefined,
      (url) => url === '/api/v1/auth/qr' ? jsonResponse(201, { ticket: 't-1', poll_token: 'pt-1', payload: 'SJT1:Q:t-1', qr_png: '', expires_in: 120, expires_at: '2026-11-25T08:02:00Z' }) : undefined,
      (url) => {
        if (!url.startsWith('/api/v1/auth/qr/t-1')) return undefined
        polls.push(url)
        n += 1
        if (n === 1) return jsonResponse(200, { state: 'scanned', tokens: null, account: null })
        return jsonResponse(200, { state: 'confirmed', account: ACCOUNT,
          tokens: { access_token: 'A1', refresh_token: 'R1', token_type: 'Bearer', expires_in: 900 } })
      },
    )
    const { w, router } = await mountLogin()
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/home'))
    // the second poll tells the server the page already shows "scanned", so it waits for a change
    expect(polls).toEqual(['/api/v1/auth/qr/t-1?poll_token=pt-1&state=pending&wait=25',
      '/api/v1/auth/qr/t-1?poll_token=pt-1&state=scanned&wait=25'])
    expect(JSON.parse(localStorage.getItem('sjt.auth'))).toMatchObject({ access: 'A1', refresh: 'R1', account: { id: 'u1' } })
    w.unmount()
  })

  it('offers a new code when the ticket expires, and hides the demo login outside the embedded mode', async () => {
    stubFetch(
      (url) => url.startsWith('/wechat-sim/') ? jsonResponse(404, {}) : undefined,
      (url) => url === '/api/v1/auth/qr' ? jsonResponse(201, { ticket: 't-2', poll_token: 'pt-2', payload: 'SJT1:Q:t-2', qr_png: '', expires_in: 120, expires_at: '2026-11-25T08:02:00Z' }) : undefined,
      (url) => url.startsWith('/api/v1/auth/qr/t-2') ? jsonResponse(200, { state: 'expired', tokens: null, account: null }) : undefined,
    )
    const { w } = await mountLogin()
    await flushPromises()
    await vi.waitFor(() => expect(w.text()).toContain('二维码已过期'))
    expect(w.find('[aria-label="刷新登录二维码"]').exists()).toBe(true)
    expect(w.text()).not.toContain('演示登录')
    w.unmount()
  })
})
