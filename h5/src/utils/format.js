const TZ = 'Asia/Shanghai'

export function formatTime(v) {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return d.toLocaleString('zh-CN', { timeZone: TZ, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit' })
}
export function formatDate(v) {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return d.toLocaleDateString('zh-CN', { timeZone: TZ })
}
export const yuan = (fen) => `¥${((fen || 0) / 100).toFixed(2)}`

// Shanghai calendar date (YYYY-MM-DD) n days from today.
export function shanghaiDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000)
  return d.toLocaleDateString('sv-SE', { timeZone: TZ })
}
export const pageItems = (res) => (Array.isArray(res) ? res : res?.items || [])
// "HH:mm" in Shanghai of an ISO instant (slot and appointment times come as UTC instants).
export function hhmm(v) {
  if (!v) return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return ''
  return d.toLocaleTimeString('zh-CN', { timeZone: TZ, hour12: false, hour: '2-digit', minute: '2-digit' })
}
