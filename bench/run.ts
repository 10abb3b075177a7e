/**
 * `npm run bench` — the benchmark and performance budget of issue 5 (method: BENCHMARKS.md).
 *
 *   npm run bench                   full run: N = 1,000 and 10,000 at L = 50 ms, the rate-limited
 *                                   run (R = 5/s, N = 2,000, L = 30 ms, C = 2 and 10), 3 runs each
 *   npm run bench -- --quick        CI smoke test: small N, 1 run, asserts accounting, never time
 *   npm run bench -- --runs 5       more runs per figure (medians)
 *   npm run bench -- --cpu-prof     also write a CPU profile of every engine run to bench/profiles/
 *
 * Then the recovery benchmark (bench/recovery.ts, issue 19): the three retry policies over 30 days
 * of 200 tasks on a fake clock (3 days with --quick); it fails the command when the cause-aware
 * policy resumes a task whose documented cause needs a person.
 *
 * Prints the table, writes bench/results.json, and exits 1 when any run lost, doubled or
 * misjudged a job (in either mode). Budgets are reported, not enforced: timing on a shared
 * machine is too noisy to fail a build on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureDeployable } from './deployable.js';
import { runEngine, type EngineRun } from './engine.js';
import type { Workload } from './fixtures.js';
import { runNaive, type NaiveRun } from './naive.js';
import { runRateLimited, type RateLimitedRun, type RateLimitedWorkload } from './rateLimited.js';
import { runRecovery } from './recovery.js';
import { DEFAULT_WORLD } from './recoveryWorld.js';
import { engineFigures, judgeBudgets, naiveMedianMs, rateLimitedFigures, renderTable } from './report.js';

interface Plan {
  mode: 'full' | 'quick';
  runs: number;
  /** Engine sizes at latency L; the last one is the one budgets are judged at. */
  sizes: number[];
  latencyMs: number;
  batchSize: number;
  concurrency: number;
  /** N of the naive loop (and of the engine run it is compared with). */
  naiveN: number;
  initProcesses: number;
  /** The rate-limited run: DRS accepts `rate` requests a second; one run per concurrency. */
  rateLimited: { n: number; rate: number; latencyMs: number; concurrencies: number[] };
  /** Days simulated by the recovery benchmark. */
  recoveryDays: number;
}

const FULL: Plan = { mode: 'full', runs: 3, sizes: [1_000, 10_000], latencyMs: 50, batchSize: 100, concurrency: 10, naiveN: 500, initProcesses: 20,
  rateLimited: { n: 2_000, rate: 5, latencyMs: 30, concurrencies: [2, 10] }, recoveryDays: DEFAULT_WORLD.days };
// Small, but still several pages, batches and requests in flight, so every code path runs.
const QUICK: Plan = { mode: 'quick', runs: 1, sizes: [100, 200], latencyMs: 5, batchSize: 20, concurrency: 5, naiveN: 50, initProcesses: 3,
  rateLimited: { n: 200, rate: 5, latencyMs: 5, concurrencies: [5] }, recoveryDays: 3 };

function readPlan(): { plan: Plan; cpuProf: boolean } {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, runs: { type: 'string' }, 'cpu-prof': { type: 'boolean' } } });
  const plan = { ...(values.quick ? QUICK : FULL) };
  if (values.runs !== undefined) {
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`Expected \`--runs\` to be a whole number from 1 and up, got ${values.runs}`);
    plan.runs = runs;
  }
  return { plan, cpuProf: values['cpu-prof'] === true };
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

async function main(): Promise<number> {
  const { plan, cpuProf } = readPlan();
  const loadBefore = loadavg();
  const metaDir = mkdtempSync(join(tmpdir(), 'drs-bench-meta-'));
  // Always measure the bundle built from the working tree, never a stale dist/.
  progress('building dist/ (scripts/build.mjs)');
  execFileSync(process.execPath, ['scripts/build.mjs', '--metafile', metaDir], { stdio: 'inherit' });

  const profileDir = join(process.cwd(), 'bench', 'profiles');
  if (cpuProf) mkdirSync(profileDir, { recursive: true });
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const workload = (n: number, latencyMs = plan.latencyMs): Workload => ({ n, latencyMs, batchSize: plan.batchSize, concurrency: plan.concurrency });
  const large = plan.sizes.at(-1) ?? 0;
  const scenarios: Array<{ key: string; workload: Workload }> = [
    ...plan.sizes.map((n) => ({ key: `engine-${n}`, workload: workload(n) })),
    { key: 'engine-naive-n', workload: workload(plan.naiveN) },
    { key: 'cpu', workload: workload(large, 0) },
  ];

  const engineRuns = new Map<string, EngineRun[]>(scenarios.map((s) => [s.key, []]));
  const naiveRuns: NaiveRun[] = [];
  const rateRuns = new Map<number, RateLimitedRun[]>(plan.rateLimited.concurrencies.map((c) => [c, []]));
  const problems: string[] = [];
  // Round-robin over the scenarios, so a slow minute on a shared machine hits all of them alike.
  for (let round = 1; round <= plan.runs; round++) {
    for (const { key, workload: w } of scenarios) {
      progress(`run ${round}/${plan.runs}: engine N=${w.n} L=${w.latencyMs} ms`);
      const result = await runEngine(w, nodeArgs);
      engineRuns.get(key)?.push(result);
      problems.push(...result.problems.map((p) => `engine N=${w.n} L=${w.latencyMs}: ${p}`));
    }
    progress(`run ${round}/${plan.runs}: naive loop N=${plan.naiveN} L=${plan.latencyMs} ms`);
    const naive = await runNaive(plan.naiveN, plan.latencyMs);
    naiveRuns.push(naive);
    problems.push(...naive.problems);
    for (const concurrency of plan.rateLimited.concurrencies) {
      const w: RateLimitedWorkload = { ...plan.rateLimited, concurrency };
      progress(`run ${round}/${plan.runs}: rate-limited N=${w.n} R=${w.rate}/s L=${w.latencyMs} ms C=${concurrency}`);
      const run = await runRateLimited(w);
      rateRuns.get(concurrency)?.push(run);
      problems.push(...run.problems.map((p) => `rate-limited C=${concurrency}: ${p}`));
    }
  }
  progress(`deployable: bundle, zip, init in ${plan.initProcesses} fresh processes`);
  const deployable = await measureDeployable(join(metaDir, 'autoRetry.meta.json'), plan.initProcesses);
  rmSync(metaDir, { recursive: true, force: true });
  progress(`recovery: three policies, ${DEFAULT_WORLD.tasks} tasks, ${plan.recoveryDays} days on a fake clock`);
  const recovery = runRecovery({ ...DEFAULT_WORLD, days: plan.recoveryDays });
  problems.push(...recovery.problems.map((p) => `recovery: ${p}`));

  const figures = (key: string) => engineFigures(engineRuns.get(key) ?? []);
  const base = {
    engine: plan.sizes.map((n) => figures(`engine-${n}`)),
    cpu: figures('cpu'),
    naive: { n: plan.naiveN, latencyMs: plan.latencyMs, medianMs: naiveMedianMs(naiveRuns), runs: naiveRuns.length },
    engineAtNaiveN: figures('engine-naive-n'),
    rateLimited: [...rateRuns.values()].map((runs) => rateLimitedFigures(runs)),
    deployable,
  };
  const budgets = plan.mode === 'full' ? judgeBudgets(base) : [];
  const cpu = cpus();
  const machine = {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
  };
  const header =
    `drs-auto-retry benchmark (${plan.mode}): ${machine.cores} cores ${machine.cpu}, Node ${machine.node}, ` +
    `medians of ${plan.runs} run${plan.runs === 1 ? '' : 's'}, load average ${machine.loadAverageBefore[0]} → ${machine.loadAverageAfter[0]}`;
  const table = renderTable({ header, ...base, budgets });

  writeFileSync(
    join(process.cwd(), 'bench', 'results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), plan, machine, figures: base, budgets, problems, table, runs: Object.fromEntries(engineRuns), naiveRuns, rateLimitedRuns: Object.fromEntries(rateRuns),
      recovery: { world: recovery.world, rawFailures: recovery.rawFailures, healedByDrs: recovery.healedByDrs, figures: recovery.figures, table: recovery.table } }, null, 2)}\n`,
  );
  process.stdout.write(`${table}\n\n${recovery.table}\n\nWrote bench/results.json\n`);
  if (problems.length > 0) {
    process.stderr.write(`\nbench: ${problems.length} accounting problem(s):\n${problems.slice(0, 30).map((p) => `  ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`Every job accounted for in all ${[...engineRuns.values()].flat().length} engine runs, ${naiveRuns.length} naive runs and ${[...rateRuns.values()].flat().length} rate-limited runs.\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
