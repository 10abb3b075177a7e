import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DB_PASSWORD_IN_FAILURE_TEXT } from './emulator/failureCauses.js';

/** `npm run demo` as a new user runs it (the bundle is built by the test setup). */
describe('the demo', () => {
  it('says why each run exits 1, and lists what run 1 retried', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { env: { PATH: process.env.PATH ?? '' } });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    expect(output).toMatch(/^exit status 1 \(1: some jobs need a person\)$/m);
    expect(output).toMatch(/^exit status 1 \(1: the jobs that needed a person in run 1 still do; the ones it retried are running now, so discovery no longer lists them\)$/m);
    expect(output).toMatch(/Retried \(9\):\n.*\n3f1c9a52-\S+\s+DRS-orders-migration\s+migration\s+retried/);
    // The causes that need a person are said once each, with what to do; the password in DRS's text is nowhere.
    expect(output).toMatch(/What a person does \(by failure cause\):\n {2}1 task — disk-full: .*expand its storage, then resume the task\.\n/);
    expect(output).toMatch(/ {2}1 task — duplicate-key: .*recreate the task\.\n/);
    expect(output).not.toContain(DB_PASSWORD_IN_FAILURE_TEXT);
  });
});
