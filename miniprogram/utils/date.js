// Times come from the API in UTC (ISO 8601) and are shown in Asia/Shanghai (UTC+8, no DST).
const OFFSET_MS = 8 * 3600 * 1000
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']
const pad = (n) => String(n).padStart(2, '0')

function toDate(value) {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  if (typeof value !== 'string' || !value) return null
  // An ISO string without an offset is UTC (as the API sends it).
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? value : `${value}Z`
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

// Calendar parts of an instant as seen in Shanghai.
function parts(value) {
  const d = toDate(value)
  if (!d) return null
  const s = new Date(d.getTime() + OFFSET_MS)
  return { y: s.getUTCFullYear(), m: s.getUTCMonth() + 1, d: s.getUTCDate(), h: s.getUTCHours(), min: s.getUTCMinutes(), sec: s.getUTCSeconds(), wd: s.getUTCDay() }
}

function formatDate(value) {
  const p = parts(value)
  return p ? `${p.y}-${pad(p.m)}-${pad(p.d)}` : ''
}

function formatDateTime(value) {
  const p = parts(value)
  return p ? `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.h)}:${pad(p.min)}` : ''
}

// Today in Shanghai as YYYY-MM-DD (what the API takes as `date`).
function today(now = Date.now()) {
  return formatDate(now)
}

// The next n calendar days from today in Shanghai: [{date, label, weekday}].
function nextDays(n, now = Date.now()) {
  const days = []
  for (let i = 0; i < n; i++) {
    const p = parts(now + i * 86400000)
    const date = `${p.y}-${pad(p.m)}-${pad(p.d)}`
    days.push({ date, label: i === 0 ? '今天' : i === 1 ? '明天' : `${pad(p.m)}-${pad(p.d)}`, weekday: `周${WEEKDAYS[p.wd]}` })
  }
  return days
}

module.exports = { toDate, parts, formatDate, formatDateTime, today, nextDays }
