import { defineConfig } from 'vitest/config'

// Browser tests: one platform per run (tests/e2e/global-setup.js: embedded mode, temp DATA_DIR),
// Debian's chromium driven through playwright-core. Run after `npm run build`.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.spec.js'],
    globalSetup: ['tests/e2e/global-setup.js'],
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
