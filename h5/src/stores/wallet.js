import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/wallet'

export const useWalletStore = defineStore('wallet', () => {
  const licenses = ref([])
  const shown = ref(null) // { payload, expires_at, ttl }

  async function load() {
    const page = await api.listLicenses()
    licenses.value = page.items || []
    return licenses.value
  }
  async function show(id, purpose) {
    shown.value = await api.showLicense(id, purpose)
    return shown.value
  }
  function byType(type) {
    return licenses.value.filter((l) => l.type === type && l.status === 'valid')
  }
  return { licenses, shown, load, show, byType }
})
