import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CHECK = join(import.meta.dirname, '..', 'scripts', 'checkLayers.mjs');

/** Runs the check as `npm run lint` does; resolves with its exit code and output. */
async function check(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CHECK, root]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

let tree: string | undefined;
afterEach(() => {
  if (tree !== undefined) rmSync(tree, { recursive: true, force: true });
  tree = undefined;
});

/** A scratch project holding only these files. */
function plant(files: Record<string, string>): string {
  tree = mkdtempSync(join(tmpdir(), 'check-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  return tree;
}

/** A house that keeps the layers: each file imports only what its layer may. */
const KEPT = {
  'lib/core/plan.ts': 'export const plan = 1;\n',
  'lib/engine/ports.ts': "import type { plan } from '../core/plan.js';\nexport type Port = typeof plan;\n",
  'lib/engine/run.ts': "import type { Port } from './ports.js';\nimport { DrsAutoRetryError } from '../errors.js';\nexport type Run = Port;\nexport { DrsAutoRetryError };\n",
  'lib/drs/client.ts': "import type { Port } from '../engine/ports.js';\nimport { plan } from '../core/plan.js';\nexport const client: Port = plan;\n",
  'lib/app/index.ts': "import { client } from '../drs/client.js';\nimport type { Run } from '../engine/run.js';\nexport const wired: Run = client;\n",
  'lib/errors.ts': 'export class DrsAutoRetryError extends Error {}\n',
  'bin/cli.ts': "import { wired } from '../lib/app/index.js';\nconsole.log(wired);\n",
};

describe('the layer check (scripts/checkLayers.mjs, part of npm run lint)', () => {
  it("passes on this project's own lib/, functions/ and bin/", async () => {
    const { code, output } = await check(join(import.meta.dirname, '..'));
    expect(output).toMatch(/layers kept/);
    expect(code).toBe(0);
  });

  it('passes on a house that keeps the layers', async () => {
    expect(await check(plant(KEPT))).toMatchObject({ code: 0 });
  });

  it('fails on each planted breach, and names it', async () => {
    const root = plant({
      ...KEPT,
      // The engine reaches down into an adapter.
      'lib/engine/run.ts': "import { client } from '../drs/client.js';\nexport const run = client;\n",
      // An adapter imports the engine beyond its ports.
      'lib/ledger/memory.ts': "import { run } from '../engine/run.js';\nexport const memory = run;\n",
      // Core imports outside core.
      'lib/core/plan.ts': "import { DrsAutoRetryError } from '../errors.js';\nexport const plan = DrsAutoRetryError;\n",
      // A circle within lib/http, through a type-only import.
      'lib/http/client.ts': "import { advice } from './advice.js';\nexport class Client { advice = advice; }\n",
      'lib/http/advice.ts': "import type { Client } from './client.js';\nexport const advice = (client?: Client) => client;\n",
      // A file over 300 lines.
      'functions/long.ts': 'export const line = 1;\n'.repeat(301),
      // An import of a file that does not exist.
      'bin/cli.ts': "import { wired } from '../lib/app/missing.js';\nconsole.log(wired);\n",
    });
    const { code, output } = await check(root);
    expect(code).toBe(1);
    expect(output).toContain('lib/engine/run.ts imports lib/drs/client.ts: the engine imports only');
    expect(output).toContain('lib/ledger/memory.ts imports lib/engine/run.ts: an adapter imports nothing from the engine but lib/engine/ports.ts');
    expect(output).toContain('lib/core/plan.ts imports lib/errors.ts: lib/core is pure');
    expect(output).toContain('import circle: lib/http/advice.ts ↔ lib/http/client.ts');
    expect(output).toContain('functions/long.ts has 301 lines');
    expect(output).toContain('bin/cli.ts: imports ../lib/app/missing.js, which names no file');
    expect(output).toContain('checkLayers: 6 breach(es)');
  });

  it('counts a file of exactly 300 lines as within the limit', async () => {
    expect(await check(plant({ ...KEPT, 'lib/core/long.ts': 'export const line = 1;\n'.repeat(300) }))).toMatchObject({ code: 0 });
  });
});
