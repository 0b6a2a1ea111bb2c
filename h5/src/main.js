import { createApp } from 'vue'
import { createPinia } from 'pinia'
import Vant from 'vant'
import 'vant/lib/index.css'
import './styles.css'
import App from './App.vue'
import { createAppRouter } from './router'
import { ApiError } from './api/request'

const app = createApp(App)
app.use(createPinia())
app.use(Vant)
app.use(createAppRouter())

// API errors were already shown to the user as a toast by the request module; a page that
// does not catch one (e.g. a failed load on mount) must not count as a crash.
const isApiError = (e) => e instanceof ApiError || e?.name === 'AbortError'
app.config.errorHandler = (err, _instance, info) => {
  if (!isApiError(err)) console.error(err, info)
}
window.addEventListener('unhandledrejection', (event) => {
  if (isApiError(event.reason)) event.preventDefault()
})
// A dialog closed with "取消" rejects its promise: that is not an error either.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason === 'cancel') event.preventDefault()
})

app.mount('#app')
