import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    // Each file starts its own servers on free ports; files run in parallel on the 2 cores.
    fileParallelism: true,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    maxWorkers: 2,
    minWorkers: 1,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
  },
})
