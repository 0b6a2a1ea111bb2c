import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/applications'

export const ACTIVE = ['draft', 'submitted', 'needs_correction', 'accepted', 'approved']

export const STATUS_TEXT = {
  draft: '草稿',
  submitted: '已提交',
  needs_correction: '待补正',
  accepted: '已受理',
  approved: '已批准',
  rejected: '未通过',
  completed: '已办结',
  withdrawn: '已撤回',
  not_accepted: '不予受理',
}

export const useApplicationsStore = defineStore('applications', () => {
  const list = ref([])
  const current = ref(null)

  async function load(params = {}, opts = {}) {
    const page = await api.listApplications(params, opts)
    list.value = page.items || []
    return list.value
  }
  async function open(id) {
    current.value = await api.getApplication(id)
    return current.value
  }
  async function createAndSubmit(body) {
    const app = await api.createApplication(body)
    const submitted = await api.submitApplication(app.id)
    current.value = submitted
    return submitted
  }
  function todos() {
    return list.value.filter((a) => a.status === 'needs_correction' || a.status === 'draft' || a.payment_due)
  }
  return { list, current, load, open, createAndSubmit, todos }
})
