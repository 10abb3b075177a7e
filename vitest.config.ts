import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Integration tests start real servers and child processes; 2 cores are shared.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/globalSetup.ts'],
    // The in-process handler logs every report to stdout; the CLI and invoke-local tests,
    // which check the log lines, pass their own environment.
    // AWS SDKs must never probe the cloud metadata address from a test.
    env: { LOG_LEVEL: 'silent', AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1' },
  },
});
