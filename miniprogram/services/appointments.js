// Hall appointments: slots, booking (idempotent), my tickets, cancel.
const { endpoint } = require('../utils/api')
const { randomKey } = require('../utils/ids')

const api = {
  slots: endpoint('GET', '/halls/{hall_id}/slots'), // {item, date}
  create: endpoint('POST', '/appointments'), // {hall_id, item_code, slot_id, waitlist?}
  list: endpoint('GET', '/appointments'),
  get: endpoint('GET', '/appointments/{id}'),
  cancel: endpoint('POST', '/appointments/{id}/cancel'),
}

const STATUS = { booked: '待签到', checked_in: '已签到', served: '已办理', cancelled: '已取消', no_show: '爽约', waitlisted: '候补中' }

// A phone may retry a booking: the same key makes it count once.
function book(body, key = randomKey()) {
  return api.create({}, { body, header: { 'Idempotency-Key': key } })
}

module.exports = { ...api, book, STATUS, statusLabel: (s) => STATUS[s] || s }
