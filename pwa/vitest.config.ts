import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts: the tests need neither Preact's transform nor the PWA plugin.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
  },
});
