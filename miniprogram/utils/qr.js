// QR payload prefixes (DESIGN.md): one scan button knows what a code holds.
const PREFIXES = {
  'SJT1:L:': 'licence',
  'SJT1:A:': 'appointment',
  'SJT1:Q:': 'login',
  'SJT1:D:': 'delegation',
}

// parse('SJT1:Q:abc') → {type: 'login', value: 'abc'}; unknown content → {type: 'unknown'}.
function parse(raw) {
  const text = typeof raw === 'string' ? raw.trim() : ''
  for (const prefix of Object.keys(PREFIXES)) {
    if (text.startsWith(prefix)) {
      const value = text.slice(prefix.length)
      if (!value) break
      return { type: PREFIXES[prefix], value, raw: text }
    }
  }
  return { type: 'unknown', value: text, raw: text }
}

const LABELS = {
  licence: '电子证照码',
  appointment: '预约码',
  login: '网页登录码',
  delegation: '代办授权码',
  unknown: '无法识别的二维码',
}

module.exports = { PREFIXES, parse, LABELS }
