import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

const KEY = 'sjt.elder'

// 长辈模式: larger type and touch targets, remembered on this device.
export const useUiStore = defineStore('ui', () => {
  const elder = ref(localStorage.getItem(KEY) === '1')
  function apply() {
    document.documentElement.classList.toggle('elder', elder.value)
  }
  function toggleElder(value) {
    elder.value = typeof value === 'boolean' ? value : !elder.value
  }
  watch(elder, (v) => {
    localStorage.setItem(KEY, v ? '1' : '0')
    apply()
  })
  apply()
  return { elder, toggleElder }
})
