import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { jsonResponse, stubFetch, header } from './helpers'

vi.mock('vant', () => ({ showToast: vi.fn() }))
const { useAuthStore } = await import('@/stores/auth')
const { useUiStore } = await import('@/stores/ui')
const { useAppointmentsStore } = await import('@/stores/appointments')
const { useCatalogStore } = await import('@/stores/catalog')
const { useApplicationsStore } = await import('@/stores/applications')
const { useWalletStore } = await import('@/stores/wallet')
const { guard } = await import('@/router')
const { get } = await import('@/api/request')

const ACCOUNT = { id: 'u1', role: 'resident', display_name: '张晓明', realname_level: 2 }
const LOGIN = { access_token: 'A1', refresh_token: 'R1', token_type: 'Bearer', expires_in: 900, account: ACCOUNT }

beforeEach(() => setActivePinia(createPinia()))

describe('auth store', () => {
  it('demo login: simulator code → wechat login → tokens persisted', async () => {
    const fetch = stubFetch(
      (url, init) => url === '/wechat-sim/dev/login-code' ? jsonResponse(200, { code: 'c-123' }) : undefined,
      (url, init) => url === '/api/v1/auth/wechat/login' && JSON.parse(init.body).code === 'c-123' ? jsonResponse(200, LOGIN) : undefined,
    )
    const auth = useAuthStore()
    await auth.demoLogin('demo-resident-zhang')
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({ openid: 'demo-resident-zhang' })
    expect(auth.loggedIn).toBe(true)
    expect(auth.role).toBe('resident')
    expect(auth.homePath).toBe('/home')
    expect(JSON.parse(localStorage.getItem('sjt.auth'))).toMatchObject({ access: 'A1', refresh: 'R1', account: { id: 'u1' } })
  })

  it('restores the session from storage in a new page load', () => {
    localStorage.setItem('sjt.auth', JSON.stringify({ access: 'A9', refresh: 'R9', account: { ...ACCOUNT, role: 'counter' } }))
    const auth = useAuthStore()
    expect(auth.loggedIn).toBe(true)
    expect(auth.homePath).toBe('/counter')
  })

  it('wires the request module: refreshed tokens are stored', async () => {
    const auth = useAuthStore()
    auth.applyLogin(LOGIN)
    stubFetch(
      (url) => url.endsWith('/auth/refresh') ? jsonResponse(200, { access_token: 'A2', refresh_token: 'R2' }) : undefined,
      (url, init) => header(init, 'Authorization') === 'Bearer A2' ? jsonResponse(200, ACCOUNT) : jsonResponse(401, {}),
    )
    await get('me')
    expect(auth.access).toBe('A2')
    expect(JSON.parse(localStorage.getItem('sjt.auth')).refresh).toBe('R2')
  })

  it('acting for a resident adds X-On-Behalf-Of; stopping removes it', async () => {
    const auth = useAuthStore()
    auth.applyLogin({ ...LOGIN, account: { ...ACCOUNT, role: 'agent' } })
    auth.actFor('d-1', '李桂花')
    const fetch = stubFetch(() => jsonResponse(200, {}))
    await get('applications')
    expect(header(fetch.mock.calls[0][1], 'X-On-Behalf-Of')).toBe('d-1')
    auth.stopActing()
    await get('applications')
    expect(header(fetch.mock.calls[1][1], 'X-On-Behalf-Of')).toBeNull()
  })

  it('real-name that claims an agent-created account replaces the tokens and the account', async () => {
    const auth = useAuthStore()
    auth.applyLogin(LOGIN)
    const fetch = stubFetch((url) => url === '/api/v1/me/real-name' ? jsonResponse(200, {
      id: 'u9', role: 'resident', display_name: '李桂花', real_name: '李*花', realname_level: 2, id_number: '1401**********2121',
      claimed: true, tokens: { access_token: 'A9', refresh_token: 'R9', token_type: 'Bearer', expires_in: 900 } }) : undefined)
    const res = await auth.realName('李桂花', '140121194405012121')
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({ name: '李桂花', id_number: '140121194405012121' })
    expect(res.claimed).toBe(true)
    expect(auth.access).toBe('A9')
    expect(auth.refresh).toBe('R9')
    expect(auth.account).toMatchObject({ id: 'u9', realname_level: 2 })
    expect(auth.account.tokens).toBeUndefined()
    expect(JSON.parse(localStorage.getItem('sjt.auth'))).toMatchObject({ access: 'A9', account: { id: 'u9' } })
  })

  it('QR login stores the one-time token pair and the account from the poll', () => {
    const auth = useAuthStore()
    auth.applyQrLogin({ state: 'confirmed', account: ACCOUNT, tokens: { access_token: 'AQ', refresh_token: 'RQ', token_type: 'Bearer', expires_in: 900 } })
    expect(auth.access).toBe('AQ')
    expect(auth.role).toBe('resident')
  })

  it('logout clears tokens and tells the server', async () => {
    const auth = useAuthStore()
    auth.applyLogin(LOGIN)
    const fetch = stubFetch(() => jsonResponse(200, {}))
    await auth.logout()
    expect(auth.loggedIn).toBe(false)
    expect(JSON.parse(localStorage.getItem('sjt.auth')).access).toBeNull()
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/auth/logout')
  })
})

describe('ui store (长辈模式)', () => {
  it('persists elder mode and sets the html class', async () => {
    const ui = useUiStore()
    expect(ui.elder).toBe(false)
    ui.toggleElder()
    await Promise.resolve()
    await new Promise((r) => setTimeout(r))
    expect(localStorage.getItem('sjt.elder')).toBe('1')
    expect(document.documentElement.classList.contains('elder')).toBe(true)
    setActivePinia(createPinia())
    expect(useUiStore().elder).toBe(true)
  })
})

describe('appointments store', () => {
  it('reuses the idempotency key when a booking is retried after a network failure', async () => {
    const keys = []
    let first = true
    vi.stubGlobal('fetch', vi.fn(async (url, init) => {
      keys.push(header(init, 'Idempotency-Key'))
      if (first) { first = false; throw new TypeError('offline') }
      return jsonResponse(201, { id: 'ap1', status: 'booked' })
    }))
    const store = useAppointmentsStore()
    await expect(store.book({ slot_id: 's1' })).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    const a = await store.book({ slot_id: 's1' })
    expect(a.id).toBe('ap1')
    expect(keys[0]).toBeTruthy()
    expect(keys[1]).toBe(keys[0])
    stubFetch(() => jsonResponse(201, { id: 'ap2' }))
    await store.book({ slot_id: 's2' })
    expect(header(fetch.mock.calls[0][1], 'Idempotency-Key')).not.toBe(keys[0])
  })

  it('loads slots for a hall, item and date', async () => {
    const fetch = stubFetch(() => jsonResponse(200, { items: [{ id: 's1', capacity: 5, booked: 5 }] }))
    const store = useAppointmentsStore()
    await store.loadSlots('h1', 'ITEM', '2026-12-01')
    expect(fetch.mock.calls[0][0]).toBe('/api/v1/halls/h1/slots?item=ITEM&date=2026-12-01')
    expect(store.slots).toHaveLength(1)
  })
})

describe('catalog, applications and wallet stores', () => {
  it('search keeps results and the cursor, and more() appends', async () => {
    stubFetch(
      (url) => url.includes('cursor=c2') ? jsonResponse(200, { items: [{ code: 'B' }], next_cursor: null }) : undefined,
      () => jsonResponse(200, { items: [{ code: 'A' }], next_cursor: 'c2' }),
    )
    const catalog = useCatalogStore()
    await catalog.search('sfz')
    expect(catalog.results.map((i) => i.code)).toEqual(['A'])
    await catalog.more()
    expect(catalog.results.map((i) => i.code)).toEqual(['A', 'B'])
    expect(catalog.nextCursor).toBeNull()
  })

  it('create + submit an application', async () => {
    const fetch = stubFetch(
      (url) => url === '/api/v1/applications' ? jsonResponse(201, { group_id: null, items: [{ id: 'a1', status: 'draft' }] }) : undefined,
      (url) => url === '/api/v1/applications/a1/submit' ? jsonResponse(200, { id: 'a1', status: 'submitted' }) : undefined,
    )
    const apps = useApplicationsStore()
    const r = await apps.createAndSubmit({ item_code: 'X', form: {}, materials: { M01: { file_ids: ['f1'] } } })
    expect(r.status).toBe('submitted')
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(JSON.parse(fetch.mock.calls[0][1].body).materials).toEqual({ M01: { file_ids: ['f1'] } })
  })

  it('an incomplete submit keeps the draft: the retry edits it (PATCH) instead of creating another', async () => {
    let submits = 0
    const fetch = stubFetch(
      (url, init) => url === '/api/v1/applications' && init.method === 'POST'
        ? jsonResponse(201, { group_id: null, items: [{ id: 'a2', status: 'draft' }] }) : undefined,
      (url, init) => url === '/api/v1/applications/a2' && init.method === 'PATCH' ? jsonResponse(200, { id: 'a2', status: 'draft' }) : undefined,
      (url) => {
        if (url !== '/api/v1/applications/a2/submit') return undefined
        submits += 1
        return submits === 1
          ? jsonResponse(422, { error: { code: 'APPLICATION_INCOMPLETE', message: '申请信息不完整',
            details: { fields: [{ field: 'materials.M03', message: '登记表：未提交', type: 'missing', material_code: 'M03' }] } } })
          : jsonResponse(200, { id: 'a2', status: 'submitted' })
      },
    )
    const apps = useApplicationsStore()
    const e = await apps.createAndSubmit({ item_code: 'X', form: {}, materials: {} }).catch((x) => x)
    expect(e.code).toBe('APPLICATION_INCOMPLETE')
    expect(e.draftId).toBe('a2')
    const r = await apps.createAndSubmit({ item_code: 'X', form: { a: 1 }, materials: { M03: { file_ids: ['f'] } } }, e.draftId)
    expect(r.status).toBe('submitted')
    expect(fetch.mock.calls.map(([u, i]) => `${i.method} ${u}`)).toEqual(['POST /api/v1/applications',
      'POST /api/v1/applications/a2/submit', 'PATCH /api/v1/applications/a2', 'POST /api/v1/applications/a2/submit'])
  })

  it('wallet filters licences by type for 免提交 materials', async () => {
    stubFetch(() => jsonResponse(200, { items: [{ id: 'l1', type: 'id_card', status: 'valid' },
      { id: 'l2', type: 'business_license', status: 'valid' }, { id: 'l3', type: 'business_license', status: 'revoked' }] }))
    const wallet = useWalletStore()
    await wallet.load()
    expect(wallet.byType('business_license').map((l) => l.id)).toEqual(['l2'])
  })
})

describe('router guard', () => {
  const to = (path, meta) => ({ path, fullPath: path, meta })
  it('sends anonymous users to login with a redirect', () => {
    expect(guard(to('/home', { roles: ['resident'] }), { loggedIn: false })).toEqual({ path: '/login', query: { redirect: '/home' } })
  })
  it('sends a wrong role to its own home', () => {
    expect(guard(to('/counter', { roles: ['counter'] }), { loggedIn: true, role: 'resident', homePath: '/home' })).toBe('/home')
    expect(guard(to('/review', { roles: ['reviewer'] }), { loggedIn: true, role: 'counter', homePath: '/counter' })).toBe('/counter')
  })
  it('lets an agent reach resident screens only while acting for someone', () => {
    const meta = { roles: ['resident', 'legal_person', 'agent'] }
    expect(guard(to('/home', meta), { loggedIn: true, role: 'agent', homePath: '/agent', actingFor: null })).toBe('/agent')
    expect(guard(to('/home', meta), { loggedIn: true, role: 'agent', homePath: '/agent', actingFor: { delegationId: 'd' } })).toBe(true)
  })
})
