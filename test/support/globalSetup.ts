import { execFileSync } from 'node:child_process';

/**
 * Builds dist/ once before the suite, so the CLI and invoke-local tests never run a stale bundle.
 * A vitest started by a test (DRS_TEST_NESTED) uses the outer run's build: rebuilding would
 * rewrite the bundles under tests that are running them.
 */
export default function setup(): void {
  if (process.env.DRS_TEST_NESTED === '1') return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
