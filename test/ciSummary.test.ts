import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * .ci/summary.mjs on a real vitest JSON report: a file whose beforeAll fails shows its tests only
 * as "skipped", so CI must print that file's error itself (the flake of issue 20 left nothing else).
 */

const dir = mkdtempSync(join(tmpdir(), 'drs-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
function vitestOn(files: Record<string, string>): { status: number; report: string } {
  const root = join(dir, String(++runs));
  mkdirSync(root);
  writeFileSync(join(root, 'vitest.config.mjs'), "export default { test: { include: ['*.test.mjs'] } };\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  const report = join(root, 'report.json');
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--root', root, '--reporter=json', `--outputFile.json=${report}`], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000,
  });
  return { status: run.status ?? 1, report };
}

const summary = (report: string, status: number) =>
  spawnSync(process.execPath, ['.ci/summary.mjs', report, String(status), 'node22: ', '/ci/logs/test.log'], { encoding: 'utf8' }).stdout;

describe('the CI summary', () => {
  it('names a file whose beforeAll failed, with its error, and a failed test with its message', () => {
    // Prepare
    const { status, report } = vitestOn({
      'hook.test.mjs': "import { beforeAll, expect, it } from 'vitest';\n"
        + "beforeAll(() => { throw new Error('PostgreSQL did not start on port 5: the server exited before it was ready'); });\n"
        + "it('one', () => expect(1).toBe(1));\nit('two', () => expect(1).toBe(1));\n",
      'plain.test.mjs': "import { expect, it } from 'vitest';\nit('passes', () => expect(1).toBe(1));\nit('fails', () => expect(1).toBe(2));\n",
    });
    // Act
    const printed = summary(report, status);
    // Assess
    expect(status).toBe(1);
    expect(printed).toMatch(/^node22: 1 passed, 1 failed, 2 skipped; 2 of 2 files failed\n/);
    expect(printed).toMatch(/FAILED \S*hook\.test\.mjs \(its tests did not run\):\n {4}PostgreSQL did not start on port 5: the server exited before it was ready\n/);
    expect(printed).toMatch(/FAILED \S*plain\.test\.mjs > fails\n {4}AssertionError: expected 1 to be 2/);
    expect(printed).not.toContain('node_modules/');
  });

  it('says where to look when vitest failed without a failed file', () => {
    // Prepare
    const { status, report } = vitestOn({
      'late.test.mjs': "import { expect, it } from 'vitest';\n"
        + "it('passes, and throws later', async () => { setTimeout(() => { throw new Error('late'); }, 0); await new Promise((r) => setTimeout(r, 50)); expect(1).toBe(1); });\n",
    });
    // Act
    const printed = summary(report, status);
    // Assess
    expect(status).toBe(1);
    expect(printed).toMatch(/^node22: 1 passed, 0 failed, 0 skipped; 0 of 1 files failed\n/);
    expect(printed).toContain('vitest exited 1 with no failed file: look for "Unhandled Errors" in /ci/logs/test.log');
  });
});
