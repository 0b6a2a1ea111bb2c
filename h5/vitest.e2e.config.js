import { defineConfig } from 'vitest/config'

// Browser tests: each spec starts the platform itself (embedded mode, temp DATA_DIR) and drives
// Debian's chromium through playwright-core. Run after `npm run build`.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.spec.js'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
