import { get, post } from './request'

export const reviewQueue = (params = {}) => get('review/applications', params)
export const getCase = (id) => get(`review/applications/${id}`)
export const acceptCase = (id, body = {}) => post(`review/applications/${id}/accept`, body)
export const requestCorrection = (id, body) => post(`review/applications/${id}/request-correction`, body)
export const approveCase = (id, body = {}) => post(`review/applications/${id}/approve`, body)
export const notAccept = (id, body) => post(`review/applications/${id}/not-accept`, body)
export const rejectCase = (id, body) => post(`review/applications/${id}/reject`, body)
export const completeCase = (id, body = {}) => post(`review/applications/${id}/complete`, body)
export const answerConsultation = (id, body) => post(`review/consultations/${id}/answer`, body)
