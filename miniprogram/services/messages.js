// The inbox.
const { endpoint } = require('../utils/api')

module.exports = {
  list: endpoint('GET', '/messages'), // {unread, cursor, limit} → {items, next_cursor, unread}
  read: endpoint('POST', '/messages/{id}/read'),
  readAll: endpoint('POST', '/messages/read-all'),
}
