import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../lib/core/report.js';
import { RunFailedError } from '../lib/engine/runFailedError.js';
import { ConfigError } from '../lib/errors.js';
import type { RunConfig } from '../lib/input/config.js';
import { createLogger } from '../lib/log.js';
import { bindLogger } from '../functions/middleware/bindLogger.js';
import type { InvocationState } from '../functions/middleware/invocation.js';
import { logErrors } from '../functions/middleware/logErrors.js';
import { logReport } from '../functions/middleware/logReport.js';
import { parseInput } from '../functions/middleware/parseInput.js';
import { OUTCOME_METRICS, reportMetrics } from '../functions/middleware/reportMetrics.js';
import { runBudgetMs, SAFETY_MARGIN_MS, timeBudget } from '../functions/middleware/timeBudget.js';

const RUN_ID = '5d1e7a3c-2b4f-4c6d-8e9f-0a1b2c3d4e5f';
const SETTINGS = { OS_AUTH_TOKEN: 'token-for-tests', OS_PROJECT_ID: '8c3e9f0a5b7d4e21a6f1c2d3b4e5f607', DRS_JOB_IDS: 'a7e2c419-0b3d-4f6e-8a15-92d4e7cjb101' };

/** A pino logger writing into an array, as the faces' logger writes to stdout. */
function capturedLogger(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ fd: 1, level, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

function sampleReport(error?: Report['error']): Report {
  return buildReport({
    runId: RUN_ID,
    trigger: 'manual',
    dryRun: false,
    region: 'eu-de',
    projectId: 'p1',
    startedAt: 0,
    finishedAt: 42,
    requestedIds: ['j1', 'j2', 'j3'],
    outcomes: [
      { jobId: 'j1', outcome: 'retried' },
      { jobId: 'j2', outcome: 'needs_attention' },
      { jobId: 'j3', outcome: 'deferred' },
    ],
    ...(error ? { error } : {}),
  });
}

/** The Lambda face's chain around a handler of our choice (no metrics: see lambdaBuilt.test.ts). */
function chain(handler: (event: unknown, context: InvocationState) => Promise<unknown>, settings: Record<string, string> = SETTINGS) {
  const { logger, lines } = capturedLogger();
  const reportLines: string[] = [];
  const wrapped = middy(handler as never)
    .use(bindLogger({ logger, newRunId: () => RUN_ID }))
    .use(logErrors({ logger }))
    .use(logReport({ write: (line) => void reportLines.push(line) }))
    .use(parseInput({ settings: () => settings }))
    .use(timeBudget());
  const context = { awsRequestId: 'req-7', functionName: 'fn-7', getRemainingTimeInMillis: () => 60_000 };
  return { invoke: (event: unknown) => (wrapped as unknown as (e: unknown, c: object) => Promise<unknown>)(event, context), lines, reportLines };
}

describe('timeBudget', () => {
  it.each([
    // [DRS_DEADLINE_MS, remaining, expected budget]
    [undefined, 300_000, 290_000],
    [600_000, 20_000, 10_000],
    [5_000, 20_000, 5_000],
    [undefined, 4_000, 0],
    [5_000, undefined, 5_000],
    [undefined, undefined, undefined],
  ])('DRS_DEADLINE_MS %s with %s ms left → %s ms', (deadlineMs, remainingMs, expected) => {
    expect(runBudgetMs(deadlineMs, remainingMs, SAFETY_MARGIN_MS)).toBe(expected);
  });

  it('reads the remaining time through the getter it is given (FunctionGraph\'s name)', async () => {
    // Prepare
    const context: Record<string, unknown> = { config: { deadlineMs: 600_000 } as RunConfig, getRemainingTimeInMilliSeconds: () => 25_000 };
    const middleware = timeBudget<{ getRemainingTimeInMilliSeconds(): number }>({ remainingMs: (c) => c.getRemainingTimeInMilliSeconds() });

    // Act
    await middleware.before?.({ event: {}, context: context as never });

    // Assess
    const deadline = context.deadline as InvocationState['deadline'];
    expect(deadline.remainingMs()).toBeGreaterThan(14_000);
    expect(deadline.remainingMs()).toBeLessThanOrEqual(15_000);
  });

  it('guards its options and its order', () => {
    expect(() => timeBudget({ marginMs: -1 })).toThrow(/marginMs/);
    expect(() => timeBudget({ remainingMs: 5 as never })).toThrow(/remainingMs/);
    expect(() => timeBudget().before?.({ event: {}, context: {} })).toThrow(/use the parseInput middleware before it/);
  });
});

describe('the middlewares together', () => {
  it('hand the handler a RunConfig, a deadline and a logger bound to the invocation', async () => {
    // Prepare
    let seen: InvocationState | undefined;
    const { invoke, lines } = chain(async (_event, context) => {
      seen = context;
      context.logger.warn({ retry: { attempt: 1 } }, 'retrying a DRS/IAM call');
      return sampleReport();
    });

    // Act
    await invoke({ jobIds: ['e93a07c4-5b1d-4a6f-82e3-f4c61d8jb101'] });

    // Assess
    expect(seen?.config.jobIds).toEqual(['a7e2c419-0b3d-4f6e-8a15-92d4e7cjb101', 'e93a07c4-5b1d-4a6f-82e3-f4c61d8jb101']);
    expect(seen?.deadline.remainingMs()).toBeLessThanOrEqual(50_000);
    expect(seen?.runId).toBe(RUN_ID);
    expect(lines).toEqual([expect.objectContaining({ awsRequestId: 'req-7', functionName: 'fn-7', runId: RUN_ID, msg: 'retrying a DRS/IAM call' })]);
  });

  it('log a bad input once, with its field, and throw it on without running the handler', async () => {
    // Prepare
    let ran = false;
    const { invoke, lines, reportLines } = chain(async () => {
      ran = true;
      return sampleReport();
    });

    // Act
    const error = await invoke({ jobIds: 'not-a-list' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(ran).toBe(false);
    expect(reportLines).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', awsRequestId: 'req-7', runId: RUN_ID, error: expect.objectContaining({ code: 'CONFIG_INVALID', field: expect.stringMatching(/jobIds/) }) }),
    ]);
  });

  it('log a failed run\'s report, then its error once, and throw it on', async () => {
    // Prepare
    const failed = sampleReport({ code: 'IAM.0062', message: 'IAM refused the password login' });
    const { invoke, lines, reportLines } = chain(async () => {
      throw RunFailedError.of(failed);
    });

    // Act
    const error = await invoke({}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RunFailedError);
    expect(reportLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ report: failed, runId: RUN_ID })]);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', error: failed.error, msg: expect.stringMatching(/failed as a whole/) })]);
  });

  it('log a bug with its stack', async () => {
    const { invoke, lines } = chain(async () => {
      throw new RangeError('a bug');
    });
    await expect(invoke({})).rejects.toThrow('a bug');
    expect(lines).toEqual([expect.objectContaining({ level: 'error', error: expect.objectContaining({ name: 'RangeError', stack: expect.stringContaining('a bug') }) })]);
  });

  it('log the report whatever LOG_LEVEL is', async () => {
    // Prepare: a logger that writes nothing
    const { logger, lines } = capturedLogger('silent');
    const reportLines: string[] = [];
    const wrapped = middy(async () => sampleReport())
      .use(bindLogger({ logger }))
      .use(logReport({ write: (line) => void reportLines.push(line) }));

    // Act
    await wrapped({}, {} as never);

    // Assess
    expect(lines).toEqual([]);
    expect(reportLines).toHaveLength(1);
  });
});

describe('reportMetrics', () => {
  it('adds one count per outcome, RunFailed and DurationMs', async () => {
    // Prepare
    const added: Record<string, [string, number]> = {};
    const metrics = { addMetric: (name: string, unit: string, value: number) => void (added[name] = [unit, value]) };
    const middleware = reportMetrics({ metrics });

    // Act
    await middleware.after?.({ event: {}, context: {}, response: sampleReport() });

    // Assess
    expect(added).toEqual({
      Requested: ['Count', 3], Retried: ['Count', 1], RetryFailed: ['Count', 0], WouldRetry: ['Count', 0], Skipped: ['Count', 0],
      NeedsAttention: ['Count', 1], NotFound: ['Count', 0], Deferred: ['Count', 1], RunFailed: ['Count', 0], DurationMs: ['Milliseconds', 42],
    });
    expect(Object.values(OUTCOME_METRICS)).toEqual(['Requested', 'Retried', 'RetryFailed', 'WouldRetry', 'Skipped', 'NeedsAttention', 'NotFound', 'Deferred']);
  });

  it('counts any thrown error as a failed run, with the report\'s counts when it has one', async () => {
    const added: Record<string, number> = {};
    const middleware = reportMetrics({ metrics: { addMetric: (name, _unit, value) => void (added[name] = value) } });
    await middleware.onError?.({ event: {}, context: {}, error: new ConfigError('bad') });
    expect(added).toEqual({ RunFailed: 1 });
    await middleware.onError?.({ event: {}, context: {}, error: RunFailedError.of(sampleReport({ code: 'X', message: 'y' })) });
    expect(added).toMatchObject({ RunFailed: 1, Requested: 3, Deferred: 1 });
  });
});
