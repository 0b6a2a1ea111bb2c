import { request, get, post } from './request'

export function uploadFile(file) {
  const form = new FormData()
  form.append('file', file)
  return request('POST', 'files', { form })
}
// → { group_id, items: [Application] } (one draft per item; a bundle gives several)
export const createApplication = (body) => post('applications', body)
export const updateApplication = (id, body) => request('PATCH', `applications/${id}`, { body })
export const listApplications = (params = {}, opts = {}) => get('applications', params, opts)
export const getApplication = (id) => get(`applications/${id}`)
export const submitApplication = (id) => post(`applications/${id}/submit`, {})
export const withdrawApplication = (id, reason = '') => post(`applications/${id}/withdraw`, { reason })
export const evaluateApplication = (id, body) => post(`applications/${id}/evaluation`, body)
export const getEvaluation = (id) => get(`applications/${id}/evaluation`, {}, { silent: true })
export const getDelivery = (id) => get(`applications/${id}/delivery`, {}, { silent: true })
export const queryProgress = (receipt_no, query_code) => get('progress', { receipt_no, query_code }, { auth: false })
