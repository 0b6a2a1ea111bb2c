import { afterEach, beforeEach, vi } from 'vitest'

beforeEach(() => {
  localStorage.clear()
  document.documentElement.className = ''
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})
