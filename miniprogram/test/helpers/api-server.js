// Starts the real 三晋通 API for the flow test: embedded mode (SQLite + fakeredis + the WeChat
// simulator) in a temp DATA_DIR on a free port: migrate, seed, then sanic --single-process.
const { spawn, execFile } = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')

const REPO = path.resolve(__dirname, '../../..')
const PYTHON = process.env.SJT_PYTHON || path.join(REPO, '.venv/bin/python')

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { cwd: REPO, env, timeout: 180000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

// Plain HTTP JSON call: {status, data, headers}.
function call(base, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base)
    const payload = body === undefined ? null : (Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)))
    const req = http.request(url, {
      method,
      headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
    }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let data = text
        try { data = text ? JSON.parse(text) : null } catch (e) { /* not JSON */ }
        resolve({ status: res.statusCode, data, headers: res.headers })
      })
    })
    req.on('error', reject)
    req.setTimeout(30000, () => req.destroy(new Error(`timeout ${method} ${urlPath}`)))
    if (payload) req.write(payload)
    req.end()
  })
}

async function waitReady(base, child, logs, deadline = Date.now() + 90000) {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`API exited early (${child.exitCode}):\n${logs.join('')}`)
    try {
      const res = await call(base, 'GET', '/readyz')
      if (res.status === 200) return
    } catch (e) { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`API not ready in time:\n${logs.join('')}`)
}

async function start() {
  if (!fs.existsSync(PYTHON)) throw new Error(`no Python at ${PYTHON}: run \`make venv\` in the repository first`)
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sjt-mp-flow-'))
  const env = {
    ...process.env,
    PYTHONPATH: REPO,
    DATA_DIR: dataDir,
    SJT_ENV: 'embedded',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'WARNING',
  }
  ;['DATABASE_URL', 'REDIS_URL', 'TASK_BROKER', 'WECHAT_API_BASE', 'PUBLIC_BASE_URL', 'STORAGE_DIR', 'KEYS_DIR'].forEach((k) => delete env[k])
  await run(['-m', 'app.cli', 'migrate'], env)
  await run(['-m', 'app.cli', 'seed'], env)
  const logs = []
  const child = spawn(PYTHON, ['-m', 'sanic', 'app.server:main_app', '--factory', '--single-process', '--no-motd',
    '--host', '127.0.0.1', '--port', String(port)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (d) => logs.push(String(d)))
  child.stderr.on('data', (d) => logs.push(String(d)))
  const base = `http://127.0.0.1:${port}`
  try {
    await waitReady(base, child, logs)
  } catch (e) {
    child.kill('SIGKILL')
    throw e
  }
  // Writes an inbox message the way a domain would (notifications.service.notify), from a
  // separate process on the same database: what the API then serves is the real thing.
  const notify = (accountId, { kind = 'application', title, body = '', link = '' }) => run(['-c', [
    'import asyncio, json, sys',
    'from app.core.config import load_settings',
    'from app.core.resources import open_resources, close_resources',
    'from app.notifications import service',
    'async def main():',
    '    res = await open_resources(load_settings(), role="cli")',
    '    try:',
    '        m = await service.notify(**json.loads(sys.argv[1]))',
    '        print(m.id)',
    '    finally:',
    '        await close_resources(res)',
    'asyncio.run(main())',
  ].join('\n'), JSON.stringify({ account_id: accountId, kind, title, body, link })], env).then((out) => out.trim())
  return {
    base,
    notify,
    port,
    dataDir,
    logs,
    call: (method, urlPath, body, headers) => call(base, method, urlPath, body, headers),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000)
        await exited
        clearTimeout(timer)
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

module.exports = { start, call, REPO }
