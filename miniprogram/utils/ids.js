// Idempotency keys: unique enough per phone and attempt.
function randomKey() {
  const rand = () => Math.random().toString(16).slice(2, 10)
  return `mp-${Date.now().toString(16)}-${rand()}${rand()}`
}

module.exports = { randomKey }
