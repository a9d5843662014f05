// Test runner settings: unit and property tests that need only Node.
// Suites that start real processes, containers or browsers are named *.real.test.ts
// and run only through `npm run test:real` (vitest.real.config.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'store/**', '**/*.real.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
