import { get } from './request'

export const overview = (params = {}) => get('stats/overview', params, { silent: true })
