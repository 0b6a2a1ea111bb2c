import { get, post } from './request'

// One box: appointment check-in (SJT1:A:) or licence verification (SJT1:L:).
export const scan = (payload) => post('counter/scan', { payload }, { silent: true })
export const todayQueue = () => get('counter/queue', {}, { silent: true })
