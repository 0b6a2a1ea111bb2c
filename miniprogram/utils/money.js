// Money is integer fen everywhere; shown as 元 with two decimals.
function yuan(fen) {
  const n = Number(fen)
  if (!Number.isFinite(n) || !Number.isInteger(n)) return '—'
  const sign = n < 0 ? '-' : ''
  const abs = Math.abs(n)
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`
}

// A fee line for a guide: free items say so.
function feeLabel(fen) {
  return Number(fen) > 0 ? yuan(fen) : '不收费'
}

module.exports = { yuan, feeLabel }
