// Agent authorisation (代办授权) from the resident's phone.
const { endpoint } = require('../utils/api')

const api = {
  // Scanning the agent's SJT1:D: code shows who asks and for what; confirming grants it.
  preview: endpoint('GET', '/delegations/requests/{ticket}'), // {agent_name, service_point, address, scope_all, items, expires_at}
  confirm: endpoint('POST', '/delegations/{ticket}/confirm'),
  list: endpoint('GET', '/delegations'),
  revoke: endpoint('DELETE', '/delegations/{id}'),
}

module.exports = api
