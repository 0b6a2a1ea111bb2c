import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/wallet'

export const useWalletStore = defineStore('wallet', () => {
  const licenses = ref([])
  const shown = ref(null) // { payload, expires_at }

  async function load() {
    const page = await api.listLicenses()
    licenses.value = page.items || page || []
    return licenses.value
  }
  async function show(id) {
    shown.value = await api.showLicense(id)
    return shown.value
  }
  function byType(type) {
    return licenses.value.filter((l) => l.type === type || l.type_code === type || l.license_type === type)
  }
  return { licenses, shown, load, show, byType }
})
