// Reviewer queue colour, from the case's `urgency` (server-computed against working days):
// red = overdue, yellow = within 2 working days of its deadline; normal/none → green.
export function urgency(c) {
  return c.urgency === 'red' || c.urgency === 'yellow' ? c.urgency : 'green'
}
// The deadline that runs now: the acceptance limit while submitted, then the due date.
export const deadline = (c) => (c.status === 'submitted' ? c.accept_deadline : c.due_date) || ''
const RANK = { red: 0, yellow: 1, green: 2 }
export function byUrgency(list) {
  return [...list].sort((a, b) => RANK[urgency(a)] - RANK[urgency(b)]
    || String(deadline(a) || '9999').localeCompare(String(deadline(b) || '9999')))
}
