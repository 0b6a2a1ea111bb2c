// Message links as the API's domains write them (notifications' `link`) → the mini-program page
// that shows the thing; null when there is nothing to open on the phone.
const RULES = [
  [/^\/pages\/applications\/detail\?id=([\w-]+)/, (id) => `/cases/detail/index?id=${id}`],
  [/^\/pages\/appointments\/waitlist(\?|$)/, () => '/appointments/tickets/index'],
  [/^\/pages\/consultations\/detail(\?|$)/, () => '/me/consultations/index'],
  [/^\/pages\/licenses\/detail\?id=([\w-]+)/, (id) => `/wallet/detail/index?id=${id}`],
  [/^\/pages\/me\/delegations(\?|$)/, () => '/me/delegations/index'],
  [/^\/payments\/([\w-]+)$/, (id) => `/pay/result/index?id=${id}`],
]
// Already a page of this mini-program (package/page/index).
const OWN = /^\/(pages|catalog|apply|cases|appointments|wallet|pay|scan|me)\/[\w-]+\/index(\?.*)?$/

function pageFor(link) {
  if (!link || typeof link !== 'string') return null
  for (const [re, to] of RULES) {
    const m = link.match(re)
    if (m) return to(m[1])
  }
  return OWN.test(link) ? link : null
}

module.exports = { pageFor }
