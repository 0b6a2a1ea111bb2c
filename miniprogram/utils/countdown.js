// Seconds left until an instant, and a ticking timer that calls back every second.
const { toDate } = require('./date')

function secondsLeft(expiresAt, now = Date.now()) {
  const d = toDate(expiresAt)
  if (!d) return 0
  return Math.max(0, Math.ceil((d.getTime() - now) / 1000))
}

function format(seconds) {
  const s = Math.max(0, Math.floor(seconds))
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}分${String(s % 60).padStart(2, '0')}秒` : `${s}秒`
}

// start(expiresAt, onTick(seconds)) → stop(). Ticks at once, then each second until 0.
function start(expiresAt, onTick, { now = () => Date.now(), interval = 1000 } = {}) {
  let timer = null
  const tick = () => {
    const left = secondsLeft(expiresAt, now())
    onTick(left)
    if (left <= 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
  tick()
  if (secondsLeft(expiresAt, now()) > 0) timer = setInterval(tick, interval)
  return () => {
    if (timer) clearInterval(timer)
    timer = null
  }
}

module.exports = { secondsLeft, format, start }
