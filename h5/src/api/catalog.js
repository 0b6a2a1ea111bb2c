import { get } from './request'

export const searchItems = (params = {}, opts = {}) => get('items', params, opts)
export const getItem = (code) => get(`items/${encodeURIComponent(code)}`)
export const listRegions = (parent) => get('regions', { parent })
export const listHalls = (params = {}) => get('halls', params)
export const listTopics = (opts = {}) => get('topics', {}, opts)
export const listBundles = (opts = {}) => get('bundles', {}, opts)
