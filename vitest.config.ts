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
    // The in-process handler logs its report whatever the level: those tests capture stdout
    // (test/support/captureStdout.ts); the CLI and invoke-local tests pass their own environment.
    // AWS SDKs must never probe the cloud metadata address from a test.
    // The suite runs on Node 20 on purpose (FunctionGraph's runtime): the AWS SDK's own switch for
    // its Node 20 end-of-support notice (aws/aws-sdk-js-v3#7983) keeps it out of the test output;
    // other warnings still show.
    env: {
      LOG_LEVEL: 'silent',
      AWS_EC2_METADATA_DISABLED: 'true',
      SLS_TELEMETRY_DISABLED: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
