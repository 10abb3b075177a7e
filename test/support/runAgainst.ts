import { loadConfig, type CliOverrides } from '../../lib/config.js';
import { connectDrs } from '../../lib/connect.js';
import { createDeadline } from '../../lib/core/deadline.js';
import type { Report } from '../../lib/core/report.js';
import { normaliseEvent } from '../../lib/events.js';
import { runAutoRetry } from '../../lib/run.js';
import type { Emulator } from '../emulator/index.js';
import { emulatorEnv, type AuthKind } from './emulatorEnv.js';

export interface RunOptions {
  env?: Record<string, string>;
  event?: unknown;
  cli?: CliOverrides;
  auth?: AuthKind;
  /** Fast backoff, so fault tests stay quick; bounds are the same. */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}

/**
 * Runs the real engine in-process, wired exactly as the faces wire it (config → connectDrs →
 * runAutoRetry), against the emulator over real HTTP.
 */
export async function runAgainst(emulator: Emulator, options: RunOptions = {}): Promise<Report> {
  const env = { ...emulatorEnv(emulator, options.auth ?? 'password'), ...options.env };
  const config = loadConfig(env, normaliseEvent(options.event), options.cli);
  const deadline = createDeadline(config.deadlineMs);
  return runAutoRetry(config, {
    connect: () => connectDrs(config, { deadline, retry: { baseDelayMs: 5, maxDelayMs: 50, ...options.retry } }),
  });
}

/** job id → outcome, for compact assertions. */
export const outcomesOf = (report: Report): Record<string, string> =>
  Object.fromEntries(report.jobs.map((job) => [job.jobId, job.outcome]));
