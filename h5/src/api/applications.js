import { request, get, post } from './request'

export function uploadFile(file, purpose = 'material') {
  const form = new FormData()
  form.append('file', file)
  form.append('purpose', purpose)
  return request('POST', 'files', { form })
}
export const createApplication = (body) => post('applications', body)
export const listApplications = (params = {}, opts = {}) => get('applications', params, opts)
export const getApplication = (id) => get(`applications/${id}`)
export const submitApplication = (id) => post(`applications/${id}/submit`, {})
export const withdrawApplication = (id) => post(`applications/${id}/withdraw`, {})
export const evaluateApplication = (id, body) => post(`applications/${id}/evaluation`, body)
export const setDelivery = (id, body) => post(`applications/${id}/delivery`, body)
export const queryProgress = (receipt_no, query_code) => get('progress', { receipt_no, query_code }, { auth: false })
