import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath, URL } from 'node:url'

// Vant's icon font is embedded as woff2; its CSS also names a woff on a public CDN, which a
// government app must not load (and the platform's CSP blocks). Drop that fallback.
const vantIconsOffline = {
  name: 'vant-icons-offline',
  enforce: 'pre',
  transform(code, id) {
    if (!/vant[\\/]lib[\\/]index\.css$/.test(id.split('?')[0])) return null
    return { code: code.replace(/,url\(\/\/at\.alicdn\.com[^)]*\) format\("woff"\)/g, ''), map: null }
  },
}

// Served by the platform at /h5/ (app/server.py mounts h5/dist).
export default defineConfig({
  base: '/h5/',
  plugins: [vantIconsOffline, vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/wechat-sim': 'http://127.0.0.1:8000',
      '/docs': 'http://127.0.0.1:8000',
    },
  },
})
