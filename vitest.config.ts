import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'scripts/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    // Integration tests load the real model; the suite runs files one after another on small machines.
    fileParallelism: false,
    // Generous: a loaded 2-core machine (CI beside other jobs) runs the real model several times slower.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
