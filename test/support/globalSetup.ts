import { execFileSync } from 'node:child_process';

/** Builds dist/ once before the suite, so the CLI and invoke-local tests never run a stale bundle. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
