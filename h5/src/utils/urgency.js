// Reviewer queue colour: red = overdue or due within a day, yellow = within 3 days, green otherwise.
export function urgency(c, now = Date.now()) {
  if (c.overdue) return 'red'
  if (c.urgency) return c.urgency
  if (!c.due_date) return 'green'
  const days = (new Date(c.due_date).getTime() - now) / 86400000
  return days < 1 ? 'red' : days < 3 ? 'yellow' : 'green'
}
const RANK = { red: 0, yellow: 1, green: 2 }
export function byUrgency(list, now = Date.now()) {
  return [...list].sort((a, b) => RANK[urgency(a, now)] - RANK[urgency(b, now)]
    || String(a.due_date || a.submitted_at || '').localeCompare(String(b.due_date || b.submitted_at || '')))
}
