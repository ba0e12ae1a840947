import { defineConfig } from 'vitest/config';

// Two projects so the fast pure tests can run alone; the integration project
// starts a real kube-apiserver and runs the real helm binary.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A hang guard, not a speed check: the devstack and CLI tests run bash
          // and node processes, which take seconds on a 2-core machine running
          // the integration suites beside them.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: ['test/faults/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          // One file at a time: the suites share (or stop and start) management clusters.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/harness/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          // One file at a time: the suites share (or stop and start) management clusters.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
