/**
 * The module init of built bundles, A against B (issue 18's method): fresh node processes load
 * each variant in turn, interleaved (A, B, A, B…, the order rotating each round), so that a busy
 * moment of the shared machine costs every variant alike. Init is the CPU time (user + system)
 * of the `require()`s; wall time is printed beside it. Δ is the median over the rounds of
 * (variant − first variant) in the same round.
 *
 *   npx tsx bench/initAB.ts before=/tmp/old/autoRetry.cjs after=dist/autoRetry.cjs
 *   npx tsx bench/initAB.ts inline=/tmp/old/autoRetry.cjs,@aws-sdk/client-dynamodb side=dist/autoRetry.cjs,dist/ledger-dynamodb.cjs
 *   --processes N   processes per variant (default 15)
 *
 * A variant is `name=file[,file…]`: the files are required in that order in one process (a
 * package name is resolved from this project), e.g. a bundle and the side file a run then loads.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { median } from './fixtures.js';

const run = promisify(execFile);

export interface InitVariant {
  name: string;
  /** Absolute paths, required in this order. */
  files: string[];
}

export interface InitSample {
  /** CPU time (user + system) of the requires, in ms. */
  cpu: number;
  /** Wall time of the requires, in ms. */
  wall: number;
}

// Runs in each fresh process: the CPU and wall time of loading the files.
const PROBE = `const c0 = process.cpuUsage(); const t0 = performance.now();
for (const file of process.argv.slice(1)) require(file);
const wall = performance.now() - t0; const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ cpu: (c.user + c.system) / 1000, wall }));`;

async function sample(files: string[]): Promise<InitSample> {
  // No inherited NODE_OPTIONS (tsx's loader would be timed too); the handlers need no env to load.
  const { stdout } = await run(process.execPath, ['-e', PROBE, ...files], { env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout) as InitSample;
}

/** Samples of every variant, interleaved: round r loads each variant once, in a rotating order. */
export async function sampleInit(variants: InitVariant[], processes: number, progress = 'init'): Promise<Map<string, InitSample[]>> {
  const samples = new Map(variants.map((v) => [v.name, [] as InitSample[]]));
  for (let round = 0; round < processes; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length] as InitVariant;
      samples.get(variant.name)?.push(await sample(variant.files));
    }
    process.stderr.write(`${progress}: round ${round + 1}/${processes}\r`);
  }
  process.stderr.write('\n');
  return samples;
}

/** The median of each round's difference to the reference's sample of the same round. */
export function medianDelta(own: InitSample[], reference: InitSample[], field: keyof InitSample): number {
  return median(own.map((s, r) => s[field] - (reference[r]?.[field] ?? 0)));
}

const resolveFile = createRequire(resolve('package.json')).resolve;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { processes: { type: 'string' } }, allowPositionals: true });
  const processes = Number(values.processes ?? 15);
  if (!Number.isInteger(processes) || processes < 1) throw new TypeError(`Expected \`--processes\` to be a whole number from 1 and up, got ${values.processes}`);
  const variants = positionals.map((arg): InitVariant => {
    const [name, list] = arg.split('=');
    if (!name || !list) throw new TypeError(`Expected a variant as name=file[,file…], got ${arg}`);
    return { name, files: list.split(',').map((file) => (/^[./]/.test(file) ? resolve(file) : resolveFile(file))) };
  });
  if (variants.length < 2) throw new TypeError('Expected at least two variants to compare');
  const init = await sampleInit(variants, processes);
  const reference = init.get(variants[0]?.name ?? '') ?? [];
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
  console.log(`init, ${processes} interleaved processes each; Δ against ${variants[0]?.name}`);
  console.log(`${'variant'.padEnd(20)} ${'bytes'.padStart(9)} ${'CPU ms'.padStart(7)} ${'Δ CPU'.padStart(7)} ${'wall ms'.padStart(8)} ${'Δ wall'.padStart(7)}`);
  for (const variant of variants) {
    const own = init.get(variant.name) ?? [];
    const bytes = variant.files.filter((file) => !file.includes('node_modules')).reduce((sum, file) => sum + statSync(file).size, 0);
    console.log(`${variant.name.padEnd(20)} ${String(bytes).padStart(9)} ${median(own.map((s) => s.cpu)).toFixed(1).padStart(7)} `
      + `${signed(medianDelta(own, reference, 'cpu')).padStart(7)} ${median(own.map((s) => s.wall)).toFixed(1).padStart(8)} ${signed(medianDelta(own, reference, 'wall')).padStart(7)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
