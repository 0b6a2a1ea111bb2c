import { vi } from 'vitest'

export function jsonResponse(status, body, headers = {}) {
  return new Response(body === undefined ? '' : JSON.stringify(body), {
    status, headers: { 'Content-Type': 'application/json', ...headers },
  })
}

// A fetch stub answering from a list of handlers: (url, init) => Response | undefined.
export function stubFetch(...handlers) {
  const fn = vi.fn(async (url, init = {}) => {
    for (const h of handlers) {
      const res = await h(String(url), init)
      if (res) return res
    }
    return jsonResponse(404, { error: { code: 'NOT_FOUND', message: '未找到', details: null } })
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

export const header = (init, name) => new Headers(init.headers || {}).get(name)
