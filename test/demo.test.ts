import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
    expect(output).toMatch(/Retried \(8\):\n.*\n3f1c9a52-\S+\s+DRS-orders-migration\s+migration\s+retried/);
  });
});
