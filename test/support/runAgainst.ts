import { loadConfig, type CliOverrides } from '../../lib/input/config.js';
import { connectDrs } from '../../lib/app/connect.js';
import { createDeadline } from '../../lib/core/deadline.js';
import type { Report } from '../../lib/core/report.js';
import { normaliseEvent } from '../../lib/input/events.js';
import { runAutoRetry, type RunDependencies } from '../../lib/engine/run.js';
import { runAndNotify } from '../../lib/app/runAndNotify.js';
import { MemoryLedger } from '../../lib/ledger/memoryLedger.js';
import type { Emulator } from '../emulator/index.js';
import { emulatorEnv, leakedSecrets, secretsInPlay, type AuthKind } from './emulatorEnv.js';

export interface RunOptions {
  env?: Record<string, string>;
  event?: unknown;
  cli?: CliOverrides;
  auth?: AuthKind;
  /** Fast backoff, so fault tests stay quick; bounds are the same. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; throttleGiveUpAfterMs?: number };
  /** Run as the faces do, notification sinks included (runAndNotify). */
  withSinks?: boolean;
  /** Ledger, clock, sleep or run id for the engine (not with withSinks). */
  deps?: Partial<Omit<RunDependencies, 'connect'>>;
}

const SILENT = { debug: () => undefined, info: () => undefined, warn: () => undefined };

/**
 * Runs the real engine in-process, wired exactly as the faces wire it (config → connectDrs →
 * runAutoRetry), against the emulator over real HTTP.
 */
export async function runAgainst(emulator: Emulator, options: RunOptions = {}): Promise<Report> {
  const env = { ...emulatorEnv(emulator, options.auth ?? 'password'), ...options.env };
  const config = loadConfig(env, normaliseEvent(options.event), options.cli);
  const deadline = createDeadline(config.deadlineMs);
  const retry = { baseDelayMs: 5, maxDelayMs: 50, ...options.retry };
  const report = options.withSinks
    ? await runAndNotify(config, { deadline, logger: SILENT, retry, sinkTimeoutMs: 300, sinkRetry: retry })
    : await runAutoRetry(config, { connect: () => connectDrs(config, { deadline, retry }), ledger: new MemoryLedger(), deadline, ...options.deps });
  // The secrets sweep runs on every report an integration test produces.
  const secrets = secretsInPlay(emulator, [env.OS_PASSWORD ?? '', env.OS_SECRET_KEY ?? '', env.OS_AUTH_TOKEN ?? '', env.NOTIFY_WEBHOOK_SECRET ?? '']);
  const leaks = leakedSecrets([JSON.stringify(report)], secrets);
  if (leaks.length > 0) throw new Error(`the report leaks ${leaks.length} secret(s)`);
  return report;
}

/** job id → outcome, for compact assertions. */
export const outcomesOf = (report: Report): Record<string, string> =>
  Object.fromEntries(report.jobs.map((job) => [job.jobId, job.outcome]));
