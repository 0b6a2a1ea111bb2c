// Starts the platform for browser tests: embedded mode, a temp DATA_DIR, a free port,
// `python -m app.cli migrate && seed`, then Sanic serving the API and h5/dist.
import { spawn, execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const H5_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const REPO_ROOT = path.resolve(H5_DIR, '..')
export const SCREENSHOTS = path.join(H5_DIR, 'screenshots')
export const DEMO_PASSWORD = 'Sjt@2026demo'

function python() {
  const venv = path.join(REPO_ROOT, '.venv/bin/python')
  return existsSync(venv) ? venv : 'python3'
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

export async function startPlatform() {
  if (!existsSync(path.join(H5_DIR, 'dist/index.html'))) {
    throw new Error('h5/dist is missing: run `npm run build` before the browser tests')
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sjt-e2e-'))
  const port = await freePort()
  const env = { ...process.env, PYTHONPATH: REPO_ROOT, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1',
    SJT_ENV: 'embedded', LOG_LEVEL: 'WARNING' }
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'TASK_BROKER', 'STORAGE_DIR', 'KEYS_DIR', 'WECHAT_API_BASE', 'PUBLIC_BASE_URL']) delete env[k]
  const py = python()
  await run(py, ['-m', 'app.cli', 'migrate'], { cwd: REPO_ROOT, env })
  await run(py, ['-m', 'app.cli', 'seed'], { cwd: REPO_ROOT, env })

  const logs = []
  const proc = spawn(py, ['-m', 'sanic', 'app.server:main_app', '--factory', '--single-process', '--no-motd',
    '--host', '127.0.0.1', '--port', String(port)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout.on('data', (d) => logs.push(String(d)))
  proc.stderr.on('data', (d) => logs.push(String(d)))
  const baseUrl = `http://127.0.0.1:${port}`

  const deadline = Date.now() + 60_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`platform exited early:\n${logs.join('').slice(-3000)}`)
    try {
      const res = await fetch(`${baseUrl}/healthz`)
      if (res.ok) break
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`platform did not start:\n${logs.join('').slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 300))
  }

  async function stop() {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM')
      await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5000))])
      if (proc.exitCode === null) proc.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  return { ...connectPlatform(baseUrl), port, dataDir, stop, logs }
}

// API helpers for a running platform (the one tests/e2e/global-setup.js started for this run).
export function connectPlatform(baseUrl) {
  async function api(method, p, { body, token, headers = {} } = {}) {
    const url = p.startsWith('/') ? baseUrl + p : `${baseUrl}/api/v1/${p}`
    const res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let data = null
    try { data = text ? JSON.parse(text) : null } catch { data = text }
    if (!res.ok) {
      const e = new Error(`${method} ${p} → ${res.status} ${text.slice(0, 300)}`)
      e.status = res.status
      e.data = data
      throw e
    }
    return data
  }

  let specPaths = null
  async function paths() {
    if (!specPaths) {
      const spec = await api('GET', '/docs/openapi.json')
      specPaths = new Set(Object.keys(spec.paths || {}))
    }
    return specPaths
  }

  async function loginResident(openid) {
    const { code } = await api('POST', '/wechat-sim/dev/login-code', { body: { openid } })
    return api('POST', 'auth/wechat/login', { body: { code } })
  }
  const loginStaff = (username) => api('POST', 'auth/password/login', { body: { username, password: DEMO_PASSWORD } })

  // A 1×1 PNG as an uploaded material (POST files, multipart) → its file id.
  async function uploadPng(token, name = 'material.png') {
    const form = new FormData()
    form.append('file', new Blob([PNG], { type: 'image/png' }), name)
    const res = await fetch(`${baseUrl}/api/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })
    if (!res.ok) throw new Error(`upload → ${res.status} ${await res.text()}`)
    return (await res.json()).id
  }
  // What the mini-program would do: a draft with the schema's sample values and an upload per
  // required material, then submit. → the submitted application.
  async function applyByApi(token, code) {
    const guide = await api('GET', `items/${code}`)
    const form = Object.fromEntries(Object.entries(guide.form_schema?.properties || {})
      .filter(([, s]) => s.type !== 'boolean').map(([k, s]) => [k, sample(s)]))
    const materials = {}
    for (const m of guide.materials.filter((x) => x.required)) materials[m.code] = { file_ids: [await uploadPng(token, `${m.code}.png`)] }
    const { items } = await api('POST', 'applications', { token, body: { item_code: code, form, materials } })
    return api('POST', `applications/${items[0].id}/submit`, { token })
  }

  return { baseUrl, api, paths, loginResident, loginStaff, uploadPng, applyByApi }
}

export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

// A value an item's JSON Schema accepts: its example, else one matching its pattern/format.
export function sample(s) {
  if (s.examples?.length) return s.examples[0]
  if (s.default !== undefined) return s.default
  if (s.enum) return s.enum[0]
  if (s.type === 'array' && s.items?.enum) return [s.items.enum[0]]
  if (s.pattern) {
    const re = new RegExp(s.pattern)
    const hit = ['13800138000', '140121199001011234', '91140100MA0K123456', '030000'].find((v) => re.test(v))
    if (hit) return hit
  }
  if (s.format === 'date') return '2026-03-01'
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1
  return '测试填写'
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  })
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' }
export const TABLET = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' }

// Put a session into the H5's storage before its scripts run (what a login would have stored).
export async function withSession(context, login) {
  await context.addInitScript((value) => {
    if (!sessionStorage.getItem('e2e-session-set')) {
      localStorage.setItem('sjt.auth', value)
      sessionStorage.setItem('e2e-session-set', '1')
    }
  }, JSON.stringify({ access: login.access_token, refresh: login.refresh_token, account: login.account }))
}

// Collects console errors and CSP refusals of a page; tests assert it stays empty.
export function watchConsole(page) {
  const problems = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (msg) => {
    const text = msg.text()
    // 4xx answers of endpoints the page probes are expected; anything else is a problem.
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
      problems.push(text)
    }
  })
  return problems
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // What a resident would see once toasts, dialogs and their overlays are gone.
  await page.waitForFunction(() => ![...document.querySelectorAll('.van-toast, .van-dialog, .van-overlay')]
    .some((el) => el.offsetParent !== null || getComputedStyle(el).display !== 'none'), null, { timeout: 5000 }).catch(() => {})
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

// Controls without an accessible name (aria-label, aria-labelledby, a <label>, or text).
export function unlabelledControls(page) {
  return page.evaluate(() => {
    const sel = 'button, input:not([type=hidden]), select, textarea, [role=button], [role=radio], [role=switch], [role=checkbox], [role=tab], a[href]'
    return [...document.querySelectorAll(sel)]
      .filter((el) => el.offsetParent !== null || el.type === 'file')
      .filter((el) => {
        if ((el.getAttribute('aria-label') || '').trim()) return false
        const by = el.getAttribute('aria-labelledby')
        if (by && by.split(' ').some((id) => document.getElementById(id)?.textContent.trim())) return false
        if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return false
        if (el.tagName !== 'INPUT' && el.textContent.trim()) return false
        if (el.getAttribute('title')) return false
        return true
      })
      .map((el) => el.outerHTML.slice(0, 160))
  })
}
