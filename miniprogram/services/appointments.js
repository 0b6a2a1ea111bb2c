// Hall appointments: slots, booking (idempotent), waitlist, my tickets, cancel.
const { endpoint } = require('../utils/api')
const { randomKey } = require('../utils/ids')
const { parts } = require('../utils/date')

const api = {
  slots: endpoint('GET', '/halls/{hall_id}/slots'), // {item, date} → {items: [{id, starts_at, ends_at, capacity, remaining, bookable}]}
  create: endpoint('POST', '/appointments'), // {hall_id, item_code, slot_id}
  waitlist: endpoint('POST', '/halls/{hall_id}/slots/{slot_id}/waitlist'), // {item_code} → {id, position, status: waiting}
  waitlistEntries: endpoint('GET', '/waitlist'), // → {items: [{id, item_code, slot_id, position, status, offer_expires_at}]}
  confirmWaitlist: endpoint('POST', '/waitlist/{id}/confirm'), // an offered place → a booked appointment
  cancelWaitlist: endpoint('POST', '/waitlist/{id}/cancel'),
  list: endpoint('GET', '/appointments'), // {status, cursor}
  get: endpoint('GET', '/appointments/{id}'), // with hall, item, materials, ticket {payload}
  cancel: endpoint('POST', '/appointments/{id}/cancel'),
}

const STATUS = { booked: '待签到', checked_in: '已签到', served: '已办理', cancelled: '已取消', no_show: '爽约' }
const WAITLIST = { waiting: '候补中', offered: '有空位待确认', confirmed: '已转为预约', expired: '已过期', cancelled: '已取消' }
const pad = (n) => String(n).padStart(2, '0')

// "09:00" from a slot's or appointment's start (ISO instant shown in Shanghai, or already HH:MM).
function clock(value) {
  if (!value) return ''
  if (/^\d\d:\d\d/.test(value)) return value.slice(0, 5)
  const p = parts(value)
  return p ? `${pad(p.h)}:${pad(p.min)}` : ''
}

const timeRange = (x) => `${clock(x.starts_at || x.start)}-${clock(x.ends_at || x.end)}`

// A phone may retry a booking: the same key makes it count once.
function book(body, key = randomKey()) {
  return api.create({}, { body, header: { 'Idempotency-Key': key } })
}

// A booking can be cancelled while it is booked and before the server's cut-off (cancellable_until).
const cancellable = (x) => x.status === 'booked' && (!x.cancellable_until || Date.now() < Date.parse(x.cancellable_until))

module.exports = { ...api, book, STATUS, WAITLIST, statusLabel: (s) => STATUS[s] || s, clock, timeRange, cancellable }
