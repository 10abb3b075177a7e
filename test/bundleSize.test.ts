import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The Lambda bundle's cap (issue 18; BENCHMARKS.md, "The Lambda bundle's cap"): what a cold start
 * loads, dist/autoRetry.cjs and the files it loads with it (the shared error family), is at most
 * 224 KB. Bytes, unlike time, do not vary with the machine, so CI fails on them. Code that only
 * some settings run can go beside the bundle (scripts/bundleOptions.mjs, SIDE_FILES).
 */

const CAP_BYTES = 224 * 1024;
const DIST = join(process.cwd(), 'dist');
const BUNDLE = join(DIST, 'autoRetry.cjs');

/** The files in dist/ that loading the bundle loads, the bundle first (dist is built by test/support/globalSetup.ts). */
function loadedAtInit(): string[] {
  const script = `require(process.argv[1]); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script, BUNDLE], { env: { PATH: process.env.PATH ?? '' } }).toString()) as string[];
  return loaded.filter((file) => file.startsWith(`${DIST}/`));
}

describe('the Lambda bundle', () => {
  it('is within its 224 KB cap with what it loads at start-up', () => {
    // Act
    const files = loadedAtInit();
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);

    // Assess
    expect(files[0]).toBe(BUNDLE);
    expect(files.length).toBeGreaterThan(1);
    expect(bytes, `${files.map((file) => `${file.slice(DIST.length + 1)} ${statSync(file).size}`).join(', ')}: over the cap by ${bytes - CAP_BYTES} bytes`)
      .toBeLessThanOrEqual(CAP_BYTES);
  });
});
