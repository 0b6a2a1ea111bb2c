import { createRouter, createWebHashHistory } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

const PUBLIC = ['resident', 'legal_person']
const ACTING = [...PUBLIC, 'agent'] // agents reach resident screens only while acting for someone

const r = (path, loader, meta = {}) => ({ path, component: loader, meta })

export const routes = [
  { path: '/', redirect: '/home' },
  r('/login', () => import('@/pages/LoginPage.vue'), { public: true, title: '登录' }),
  r('/home', () => import('@/pages/resident/HomePage.vue'), { roles: ACTING, tabbar: true }),
  r('/search', () => import('@/pages/resident/SearchPage.vue'), { roles: ACTING }),
  r('/items/:code', () => import('@/pages/resident/ItemGuide.vue'), { roles: ACTING }),
  r('/apply/:code', () => import('@/pages/resident/ApplyPage.vue'), { roles: ACTING }),
  r('/cases', () => import('@/pages/resident/CasesPage.vue'), { roles: ACTING, tabbar: true }),
  r('/cases/:id', () => import('@/pages/resident/CaseDetail.vue'), { roles: ACTING }),
  r('/appointments', () => import('@/pages/resident/AppointmentsPage.vue'), { roles: ACTING }),
  r('/book', () => import('@/pages/resident/BookPage.vue'), { roles: ACTING }),
  r('/appointments/:id', () => import('@/pages/resident/TicketPage.vue'), { roles: ACTING }),
  r('/wallet', () => import('@/pages/resident/WalletPage.vue'), { roles: PUBLIC, tabbar: true }),
  r('/wallet/:id', () => import('@/pages/resident/LicenseDetail.vue'), { roles: PUBLIC }),
  r('/pay/:id', () => import('@/pages/resident/PayPage.vue'), { roles: ACTING }),
  r('/messages', () => import('@/pages/resident/MessagesPage.vue'), { roles: ['resident', 'legal_person', 'agent', 'reviewer'] }),
  r('/real-name', () => import('@/pages/resident/RealNamePage.vue'), { roles: PUBLIC }),
  r('/mine', () => import('@/pages/resident/MinePage.vue'), { roles: PUBLIC, tabbar: true }),
  r('/agent', () => import('@/pages/agent/WorkbenchPage.vue'), { roles: ['agent'] }),
  r('/counter', () => import('@/pages/counter/CounterPage.vue'), { roles: ['counter'] }),
  r('/review', () => import('@/pages/review/ReviewQueue.vue'), { roles: ['reviewer', 'admin'] }),
  r('/review/:id', () => import('@/pages/review/ReviewDetail.vue'), { roles: ['reviewer', 'admin'] }),
  r('/admin', () => import('@/pages/admin/StatsPage.vue'), { roles: ['admin'] }),
  { path: '/:pathMatch(.*)*', redirect: '/home' },
]

// Exported for tests: where may this account go?
export function guard(to, auth) {
  if (to.meta.public) return true
  if (!auth.loggedIn) return { path: '/login', query: { redirect: to.fullPath } }
  const roles = to.meta.roles
  if (roles && !roles.includes(auth.role)) return auth.homePath === to.path ? true : auth.homePath
  if (auth.role === 'agent' && roles && roles !== undefined && !roles.every((x) => x === 'agent') && !auth.actingFor
      && to.path !== '/messages') return '/agent'
  return true
}

// Hash history: the platform serves h5/dist as static files, so deep links must not need a server fallback.
export function createAppRouter(history = createWebHashHistory()) {
  const router = createRouter({ history, routes, scrollBehavior: () => ({ top: 0 }) })
  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (auth.loggedIn && !auth.account) await auth.fetchMe().catch(() => {})
    return guard(to, auth)
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · 三晋通` : '三晋通'
  })
  return router
}
