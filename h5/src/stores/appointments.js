import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as api from '@/api/appointments'
import { newIdempotencyKey } from '@/api/request'

export const useAppointmentsStore = defineStore('appointments', () => {
  const list = ref([])
  const slots = ref([])
  const current = ref(null)
  let bookingKey = null

  async function load(params = {}) {
    const page = await api.listAppointments(params)
    list.value = page.items || []
    return list.value
  }
  async function loadSlots(hallId, item, date) {
    const res = await api.listSlots(hallId, { item, date })
    slots.value = res.items || []
    return slots.value
  }
  // The same key is reused on a retry of the same booking so the server books once.
  async function book(body) {
    bookingKey = bookingKey || newIdempotencyKey()
    try {
      current.value = await api.bookAppointment(body, bookingKey)
      bookingKey = null
      return current.value
    } catch (e) {
      if (e.status && e.status < 500) bookingKey = null
      throw e
    }
  }
  async function cancel(id) {
    current.value = await api.cancelAppointment(id)
    const i = list.value.findIndex((a) => a.id === id)
    if (i >= 0) list.value[i] = current.value
    return current.value
  }
  return { list, slots, current, load, loadSlots, book, cancel }
})
