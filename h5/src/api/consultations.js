import { get, post } from './request'

export const createConsultation = (body) => post('consultations', body)
export const listConsultations = (params = {}) => get('consultations', params)
