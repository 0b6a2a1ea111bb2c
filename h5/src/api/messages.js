import { get, post } from './request'

export const listMessages = (params = {}, opts = {}) => get('messages', params, opts)
export const markRead = (id) => post(`messages/${id}/read`, {})
export const markAllRead = () => post('messages/read-all', {})
