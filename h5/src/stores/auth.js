import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/auth'
import { configureAuth } from '@/api/request'

const KEY = 'sjt.auth'

export const ROLE_HOME = {
  resident: '/home',
  legal_person: '/home',
  agent: '/agent',
  counter: '/counter',
  reviewer: '/review',
  admin: '/admin',
}

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '{}')
  } catch {
    return {}
  }
}

export const useAuthStore = defineStore('auth', () => {
  const saved = load()
  const access = ref(saved.access || null)
  const refresh = ref(saved.refresh || null)
  const account = ref(saved.account || null)
  // Agent acting for a resident: { delegationId, name }
  const actingFor = ref(saved.actingFor || null)
  let onExpiredHook = () => {}

  const loggedIn = computed(() => !!access.value)
  const role = computed(() => account.value?.role || null)
  const homePath = computed(() => ROLE_HOME[role.value] || '/login')

  function persist() {
    localStorage.setItem(KEY, JSON.stringify({
      access: access.value, refresh: refresh.value, account: account.value, actingFor: actingFor.value,
    }))
  }
  function setTokens({ access: a, refresh: r }) {
    access.value = a
    if (r) refresh.value = r
    persist()
  }
  function applyLogin(result) {
    access.value = result.access_token
    refresh.value = result.refresh_token
    account.value = result.account || null
    actingFor.value = null
    persist()
  }
  function clear() {
    access.value = null
    refresh.value = null
    account.value = null
    actingFor.value = null
    persist()
  }
  async function fetchMe() {
    account.value = await api.me()
    persist()
    return account.value
  }
  async function loginWithWechatCode(code) {
    applyLogin(await api.wechatLogin(code))
    return account.value || fetchMe()
  }
  async function demoLogin(openid) {
    const { code } = await api.devLoginCode(openid)
    return loginWithWechatCode(code)
  }
  async function passwordLogin(username, password) {
    applyLogin(await api.passwordLogin(username, password))
    return account.value || fetchMe()
  }
  // QR login: the poll's one-time { tokens, account } once the mini-program confirmed.
  function applyQrLogin({ tokens, account: acc }) {
    applyLogin({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, account: acc })
  }
  // Real-name; claiming an account an agent created offline answers new tokens that replace ours.
  async function realName(name, idNumber) {
    const res = await api.submitRealName({ name, id_number: idNumber })
    if (res.claimed && res.tokens) setTokens({ access: res.tokens.access_token, refresh: res.tokens.refresh_token })
    const { tokens: _t, claimed: _c, ...acc } = res
    account.value = acc
    persist()
    return res
  }
  async function logout() {
    const r = refresh.value
    clear()
    if (r) await api.logout(r).catch(() => {})
  }
  function actFor(delegationId, name) {
    actingFor.value = { delegationId, name }
    persist()
  }
  function stopActing() {
    actingFor.value = null
    persist()
  }
  function onExpired(fn) {
    onExpiredHook = fn
  }

  configureAuth({
    getTokens: () => ({ access: access.value, refresh: refresh.value }),
    setTokens,
    onExpired: () => {
      clear()
      onExpiredHook()
    },
    getOnBehalfOf: () => actingFor.value?.delegationId || null,
  })

  return {
    access, refresh, account, actingFor, loggedIn, role, homePath,
    setTokens, applyLogin, applyQrLogin, realName, clear, fetchMe, loginWithWechatCode, demoLogin, passwordLogin, logout,
    actFor, stopActing, onExpired,
  }
})
