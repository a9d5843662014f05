// The real-fault suites: tests that start real processes or use external tools
// (etcdctl, etcd, later Toxiproxy, Docker, Chromium). Named *.real.test.ts; run with
// `npm run test:real` after scripts/install-real.sh. They run one file at a time so
// that processes and ports of one suite never race another's.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.real.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'store/**'],
    globalSetup: ['scripts/real-suite-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
