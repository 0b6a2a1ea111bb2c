import { beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse, stubFetch, header } from './helpers'

vi.mock('vant', () => ({ showToast: vi.fn() }))
const { showToast } = await import('vant')
const { request, configureAuth, ApiError, get, post } = await import('@/api/request')

let tokens
let expired
beforeEach(() => {
  showToast.mockClear()
  tokens = { access: 'A1', refresh: 'R1' }
  expired = vi.fn()
  configureAuth({
    getTokens: () => tokens,
    setTokens: (t) => { tokens = { ...tokens, ...t } },
    onExpired: expired,
    getOnBehalfOf: () => null,
  })
})

describe('request: token', () => {
  it('adds the bearer token and the /api/v1 prefix', async () => {
    const fetch = stubFetch(() => jsonResponse(200, { id: 'me' }))
    const data = await get('me')
    expect(data).toEqual({ id: 'me' })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/me')
    expect(header(init, 'Authorization')).toBe('Bearer A1')
  })

  it('sends no token when auth is false and encodes the query', async () => {
    const fetch = stubFetch(() => jsonResponse(200, { items: [] }))
    await request('GET', 'items', { auth: false, query: { q: '身份证', cursor: null, level: '' } })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/v1/items?q=%E8%BA%AB%E4%BB%BD%E8%AF%81')
    expect(header(init, 'Authorization')).toBeNull()
  })

  it('sends X-On-Behalf-Of while an agent acts for a resident', async () => {
    configureAuth({ getOnBehalfOf: () => 'deleg-1' })
    const fetch = stubFetch(() => jsonResponse(201, { id: 'x' }))
    await post('applications', { item_code: 'A' })
    expect(header(fetch.mock.calls[0][1], 'X-On-Behalf-Of')).toBe('deleg-1')
    expect(header(fetch.mock.calls[0][1], 'Content-Type')).toBe('application/json')
  })

  it('sends Idempotency-Key when given', async () => {
    const fetch = stubFetch(() => jsonResponse(201, {}))
    await post('appointments', {}, { idempotencyKey: 'k-1' })
    expect(header(fetch.mock.calls[0][1], 'Idempotency-Key')).toBe('k-1')
  })
})

describe('request: 401 → refresh → retry once', () => {
  it('refreshes once and retries with the new token', async () => {
    const fetch = stubFetch(
      (url, init) => url.endsWith('/auth/refresh')
        ? jsonResponse(200, { access_token: 'A2', refresh_token: 'R2', token_type: 'Bearer', expires_in: 900 })
        : undefined,
      (url, init) => header(init, 'Authorization') === 'Bearer A2' ? jsonResponse(200, { ok: true }) : jsonResponse(401, {
        error: { code: 'TOKEN_EXPIRED', message: '登录已过期', details: null } }),
    )
    expect(await get('me')).toEqual({ ok: true })
    const urls = fetch.mock.calls.map((c) => c[0])
    expect(urls).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me'])
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ refresh_token: 'R1' })
    expect(tokens).toEqual({ access: 'A2', refresh: 'R2' })
    expect(expired).not.toHaveBeenCalled()
    expect(showToast).not.toHaveBeenCalled()
  })

  it('retries only once: a second 401 ends the session', async () => {
    const fetch = stubFetch(
      (url) => url.endsWith('/auth/refresh') ? jsonResponse(200, { access_token: 'A2', refresh_token: 'R2' }) : undefined,
      () => jsonResponse(401, { error: { code: 'UNAUTHORIZED', message: '请先登录', details: null } }),
    )
    await expect(get('me')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
    expect(fetch.mock.calls.map((c) => c[0])).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me'])
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('a failed refresh ends the session without retrying', async () => {
    const fetch = stubFetch(
      (url) => url.endsWith('/auth/refresh') ? jsonResponse(401, { error: { code: 'REFRESH_INVALID', message: 'x' } }) : undefined,
      () => jsonResponse(401, { error: { code: 'TOKEN_EXPIRED', message: '登录已过期，请重新登录', details: null } }),
    )
    await expect(get('me')).rejects.toBeInstanceOf(ApiError)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(expired).toHaveBeenCalledTimes(1)
    expect(showToast).toHaveBeenCalledWith('登录已过期，请重新登录')
  })

  it('concurrent 401s share one refresh', async () => {
    let refreshes = 0
    stubFetch(
      (url) => {
        if (!url.endsWith('/auth/refresh')) return undefined
        refreshes += 1
        return jsonResponse(200, { access_token: 'A2', refresh_token: 'R2' })
      },
      (url, init) => header(init, 'Authorization') === 'Bearer A2' ? jsonResponse(200, { url }) : jsonResponse(401, {}),
    )
    const results = await Promise.all([get('me'), get('messages')])
    expect(results.map((r) => r.url)).toEqual(['/api/v1/me', '/api/v1/messages'])
    expect(refreshes).toBe(1)
  })
})

describe('request: 401 without a session', () => {
  it('does not try to refresh when there is no refresh token', async () => {
    tokens = { access: null, refresh: null }
    const fetch = stubFetch(() => jsonResponse(401, { error: { code: 'UNAUTHORIZED', message: '请先登录', details: null } }))
    await expect(get('me')).rejects.toMatchObject({ status: 401 })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(showToast).toHaveBeenCalledWith('请先登录')
  })
})

describe('request: error envelope', () => {
  it('shows the envelope message as a toast and rejects with a typed error', async () => {
    stubFetch(() => jsonResponse(409, { error: { code: 'SLOT_FULL', message: '该时段已约满', details: { slot: 's1' } } }))
    const err = await post('appointments', {}).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 409, code: 'SLOT_FULL', message: '该时段已约满', details: { slot: 's1' } })
    expect(showToast).toHaveBeenCalledWith('该时段已约满')
  })

  it('uses a Chinese fallback for a 5xx without an envelope', async () => {
    stubFetch(() => new Response('Bad gateway', { status: 502 }))
    await expect(get('items')).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: '服务繁忙，请稍后再试' })
    expect(showToast).toHaveBeenCalledWith('服务繁忙，请稍后再试')
  })

  it('says when to retry on 429 without a message', async () => {
    stubFetch(() => new Response('', { status: 429, headers: { 'Retry-After': '30' } }))
    await expect(get('items')).rejects.toMatchObject({ status: 429, retryAfter: 30 })
    expect(showToast).toHaveBeenCalledWith('操作太频繁，请 30 秒后再试')
  })

  it('maps a network failure to a Chinese message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    await expect(get('me')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
    expect(showToast).toHaveBeenCalledWith('网络连接失败，请检查网络后重试')
  })

  it('stays silent when asked to', async () => {
    stubFetch(() => jsonResponse(404, { error: { code: 'NOT_FOUND', message: '不存在', details: null } }))
    await expect(get('topics', {}, { silent: true })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(showToast).not.toHaveBeenCalled()
  })
})
