import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';

/** The suite's output is vitest's: no raw log, report or EMF lines, no SDK notice (issue 21). */

const testEnv = (config.test?.env ?? {}) as Record<string, string>;

describe('a quiet test output', () => {
  it('prints no raw JSON line while the handler tests run the real handler in process', () => {
    // Act: the handler tests log reports and EMF on stdout; they capture it (test/support/captureStdout.ts)
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/lambda.test.ts'], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DRS_TEST_NESTED: '1' }, timeout: 120_000,
    });
    // Assess
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).toBe(0);
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)('keeps the AWS SDK’s Node 20 notice out through its own switch, and only that', () => {
    // Prepare: what the tests' environment does to a DynamoDB client on this Node
    const script = "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb'); new DynamoDBClient({ region: 'eu-de' }); process.emitWarning('another warning');";
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } }).stderr;
    // Act
    const bare = run({});
    const inTests = run(testEnv);
    // Assess
    expect(bare).toContain('NodeVersionSupportWarning');
    expect(inTests).not.toContain('NodeVersionSupportWarning');
    expect(inTests).toContain('another warning');
  });
});
