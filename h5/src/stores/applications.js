import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/applications'

export const ACTIVE = ['draft', 'submitted', 'needs_correction', 'accepted', 'approved']

// The server's labels (app/applications/models.py STATUS_LABELS); responses carry status_label too.
export const STATUS_TEXT = {
  draft: '草稿',
  submitted: '已提交',
  needs_correction: '待补正',
  accepted: '已受理',
  approved: '审批通过',
  rejected: '不予批准',
  completed: '已办结',
  withdrawn: '已撤回',
  not_accepted: '不予受理',
}

// An approved or accepted case with an unpaid fee.
export const feeDue = (a) => a.fee_fen > 0 && !a.paid && ['accepted', 'approved'].includes(a.status)

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
  // A draft, then submit. A refused submit (422 APPLICATION_INCOMPLETE lists every problem) keeps
  // the draft: `draftId` lets the page resubmit it after the fixes instead of creating another.
  async function createAndSubmit(body, draftId = null) {
    let id = draftId
    if (id) {
      await api.updateApplication(id, body.form ? { form: body.form, materials: body.materials } : { materials: body.materials })
    } else {
      const created = await api.createApplication(body)
      id = created.items[0].id
    }
    let submitted
    try {
      submitted = await api.submitApplication(id)
    } catch (e) {
      e.draftId = id
      throw e
    }
    current.value = submitted
    return submitted
  }
  function todos() {
    return list.value.filter((a) => a.status === 'needs_correction' || a.status === 'draft' || feeDue(a))
  }
  return { list, current, load, open, createAndSubmit, todos }
})
