// Guards for browser scenarios whose backend lands on other branches.
//
// Every endpoint the scenarios need is merged: a missing one now FAILS its scenario (no skip can
// hide a regression under CI=true).
export const ALL_ENDPOINTS_MERGED = true

// LEAD: agents acting on behalf (`X-On-Behalf-Of` on applications and appointments) comes with
// branch `onbehalf`. Until then scenario (d) runs the delegation part and skips only the
// on-behalf application, printing why. The probe notices the merge by itself; set this to true
// after merging so that a broken on-behalf path fails instead of skipping.
export const ON_BEHALF_MERGED = true

const norm = (p) => p.replace(/\{[^}]+\}/g, '{}')

export async function missingEndpoints(platform, needed) {
  const have = new Set([...(await platform.paths())].map(norm))
  return needed.filter((p) => !have.has(norm(`/api/v1/${p}`)))
}

/** Fails the test when an endpoint it needs is missing (skips, printing what it waits for, only
 * while ALL_ENDPOINTS_MERGED is false). */
export async function requireEndpoints(ctx, platform, scenario, needed) {
  const missing = await missingEndpoints(platform, needed)
  if (!missing.length) return
  const msg = `scenario ${scenario} waits for: ${missing.join(', ')}`
  if (ALL_ENDPOINTS_MERGED || process.env.E2E_REQUIRE_ALL === '1') throw new Error(msg)
  console.warn(`[pending] ${msg}`)
  ctx.skip()
}

/** Can an agent list a resident's applications on their behalf? (GET applications with
 * X-On-Behalf-Of: today 403 ROLE_FORBIDDEN, since the applications routes take person roles only.) */
export async function onBehalfWorks(platform, { agentToken, delegationId }) {
  try {
    await platform.api('GET', 'applications', { token: agentToken, headers: { 'X-On-Behalf-Of': delegationId } })
    return { ok: true }
  } catch (e) {
    return { ok: false, why: `GET applications with X-On-Behalf-Of answers ${e.status} ${e.data?.error?.code || ''}` }
  }
}

/** Skips the rest of a test until on-behalf is merged; fails once ON_BEHALF_MERGED is set. */
export async function requireOnBehalf(ctx, platform, args) {
  const probe = await onBehalfWorks(platform, args)
  if (probe.ok) return
  const msg = `scenario d (apply on behalf) waits for branch onbehalf: ${probe.why}`
  if (ON_BEHALF_MERGED || process.env.E2E_REQUIRE_ALL === '1') throw new Error(msg)
  console.warn(`[pending] ${msg}`)
  ctx.skip()
}
