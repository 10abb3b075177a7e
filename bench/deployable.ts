/**
 * What gets deployed: the minified Lambda bundle (what `serverless package` zips), its zip, what
 * it is made of, and how long a fresh node process takes to load it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { median } from './fixtures.js';

const run = promisify(execFile);

export const BUNDLE = join(process.cwd(), 'dist', 'autoRetry.cjs');
/** The path serverless.yml packages; its length counts twice in the zip's headers. */
const ZIP_ENTRY = 'dist/autoRetry.cjs';

export interface Deployable {
  bundleBytes: number;
  /** The bundle zipped as `serverless package` does it: deflate level 9, one entry. */
  zipBytes: number;
  /** Bytes in the bundle per package (project files as `(project)`), largest first. */
  composition: Array<{ part: string; bytes: number }>;
  /**
   * The files the bundle requires beside it (scripts/bundleOptions.mjs, SIDE_FILES), and whether
   * loading the bundle loads them too (the shared error family) or only a run that asks for them.
   */
  besides: Array<{ file: string; bytes: number; atInit: boolean }>;
  init: InitTimes;
}

export interface InitTimes {
  processes: number;
  /** Median time of `require()` of the bundle: the module's own init. */
  requireMs: number;
  /** Median time from process start to after the require (node's own boot included). */
  sinceStartMs: number;
  /** Median time from process start to the first line of user code: node's boot alone. */
  nodeBootMs: number;
  /** The files beside the bundle that its require loaded. */
  loaded: string[];
}

/** Every file `file` requires beside itself (`require("./x.cjs")`), and theirs, by name. */
export function filesBeside(file: string): string[] {
  const found = new Set<string>();
  const visit = (path: string) => {
    for (const [, name] of readFileSync(path, 'utf8').matchAll(/require\("\.\/([\w.-]+\.cjs)"\)/g)) {
      if (name === undefined || found.has(name)) continue;
      found.add(name);
      visit(join(dirname(file), name));
    }
  };
  visit(file);
  return [...found].sort();
}

/**
 * Zip size from zlib at level 9, as serverless (archiver) and Python's zipfile both produce it,
 * plus the fixed zip structure: local header (30) and central directory entry (46), each with
 * the name, and the end record (22).
 */
function zipSize(bytes: Buffer): number {
  const name = Buffer.byteLength(ZIP_ENTRY);
  return deflateRawSync(bytes, { level: 9 }).length + 30 + name + 46 + name + 22;
}

/** Sizes per package from esbuild's metafile (written by `scripts/build.mjs --metafile DIR`). */
export function composition(metafilePath: string): Array<{ part: string; bytes: number }> {
  const meta = JSON.parse(readFileSync(metafilePath, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const parts = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const part = pkg ?? (input.startsWith('lib/notify/') ? '(project: lib/notify)' : input.includes(':') ? input : '(project)');
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
  }
  return [...parts].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

// Runs in each fresh process: performance.now() counts from process start.
const PROBE = `const t0 = performance.now(); require(process.argv[1]); const t1 = performance.now();
const loaded = Object.keys(require.cache).filter((f) => f !== process.argv[1]).map((f) => require('node:path').basename(f));
process.stdout.write(JSON.stringify({ boot: t0, require: t1 - t0, total: t1, loaded }));`;

/** Loads the bundle in `processes` fresh node processes, one after the other. */
export async function measureInit(processes: number): Promise<InitTimes> {
  const samples: Array<{ boot: number; require: number; total: number; loaded: string[] }> = [];
  for (let i = 0; i < processes; i++) {
    // No inherited NODE_OPTIONS (tsx's loader would be timed too); the handler needs no env to load.
    const { stdout } = await run(process.execPath, ['-e', PROBE, BUNDLE], { env: { PATH: process.env.PATH ?? '' } });
    samples.push(JSON.parse(stdout) as { boot: number; require: number; total: number; loaded: string[] });
  }
  return {
    processes,
    requireMs: median(samples.map((s) => s.require)),
    sinceStartMs: median(samples.map((s) => s.total)),
    nodeBootMs: median(samples.map((s) => s.boot)),
    loaded: samples[0]?.loaded ?? [],
  };
}

export async function measureDeployable(metafilePath: string, initProcesses: number): Promise<Deployable> {
  const bytes = readFileSync(BUNDLE);
  const init = await measureInit(initProcesses);
  return {
    bundleBytes: statSync(BUNDLE).size,
    zipBytes: zipSize(bytes),
    composition: composition(metafilePath),
    besides: filesBeside(BUNDLE).map((file) => ({ file, bytes: statSync(join(dirname(BUNDLE), file)).size, atInit: init.loaded.includes(file) })),
    init,
  };
}
