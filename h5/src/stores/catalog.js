import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/catalog'

export const useCatalogStore = defineStore('catalog', () => {
  const results = ref([])
  const nextCursor = ref(null)
  const query = ref('')
  const loading = ref(false)
  const items = ref({}) // code → item detail
  const topics = ref([])
  const bundles = ref([])
  const hot = ref([])

  async function search(q, params = {}) {
    query.value = q
    loading.value = true
    try {
      const page = await api.searchItems({ q, ...params })
      results.value = page.items || []
      nextCursor.value = page.next_cursor || null
      return results.value
    } finally {
      loading.value = false
    }
  }
  async function more(params = {}) {
    if (!nextCursor.value) return
    const page = await api.searchItems({ q: query.value, cursor: nextCursor.value, ...params })
    results.value = results.value.concat(page.items || [])
    nextCursor.value = page.next_cursor || null
  }
  async function item(code) {
    if (!items.value[code]) items.value[code] = await api.getItem(code)
    return items.value[code]
  }
  async function loadHome() {
    const [t, h, b] = await Promise.allSettled([api.listTopics({ silent: true }),
      api.searchItems({ limit: 12, mobile: true }, { silent: true }), api.listBundles({ silent: true })])
    if (t.status === 'fulfilled') topics.value = t.value.items || []
    // A province item and its city twin share a name: show it once.
    if (h.status === 'fulfilled') hot.value = (h.value.items || []).filter((it, i, all) => all.findIndex((x) => x.name === it.name) === i)
    if (b.status === 'fulfilled') bundles.value = b.value.items || []
  }
  return { results, nextCursor, query, loading, items, topics, bundles, hot, search, more, item, loadHome }
})
