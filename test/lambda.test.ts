import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { handler, RunFailedError } from '../functions/autoRetry.js';
import type { Report } from '../lib/core/report.js';
import { ConfigError } from '../lib/errors.js';
import { demoJobId } from './emulator/demoProject.js';
import { captureStdout } from './support/captureStdout.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

const savedEnv = { ...process.env };
const demo = demoJobId;
const event = (file: string): unknown => JSON.parse(readFileSync(`events/${file}`, 'utf8'));

function context(remainingMs = 300_000): Context {
  return {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    functionName: 'drs-auto-retry-test-autoRetry',
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
}

/**
 * Runs the handler with its stdout (the function's log) captured: every run logs its report and
 * one EMF line whose RunFailed says how it ended, and neither holds a secret.
 */
async function invoke(payload: unknown, ctx = context()): Promise<Report> {
  const { result, error, lines, json } = await captureStdout(() => handler(payload, ctx));
  const report = result ?? (error instanceof RunFailedError ? error.report : undefined);
  expect(leakedSecrets([JSON.stringify(report ?? {}), ...lines], secretsInPlay(emulator))).toEqual([]);
  expect(json().filter((line) => '_aws' in line)).toEqual([expect.objectContaining({ RunFailed: report?.error || error !== undefined ? 1 : 0 })]);
  if (report) {
    expect(json().find((line) => line.msg === 'drs-auto-retry report')).toMatchObject({ report: { runId: report.runId, summary: report.summary } });
  }
  if (error !== undefined) throw error;
  return report as Report;
}

useDemoEmulator();
beforeEach(() => {
  process.env = { ...savedEnv, ...emulatorEnv(emulator) };
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('Lambda handler (middy)', () => {
  it.each([
    ['schedule.json', 'schedule', { DRS_JOB_IDS: '' }, 'discover'],
    ['manual.json', 'manual', {}, ''],
    ['eventbridge.json', 'event', {}, ''],
    ['sns.json', 'event', {}, ''],
    ['sqs.json', 'event', {}, ''],
    ['functiongraph-timer.json', 'schedule', {}, ''],
  ])('runs %s as a %s run', async (file, trigger, env, mode) => {
    // Prepare
    Object.assign(process.env, env, mode === 'discover' ? { DRS_DISCOVER: 'true' } : {});

    // Act
    const report = await invoke(event(file));

    // Assess
    expect(report.trigger).toBe(trigger);
    expect(report.summary.requested).toBeGreaterThan(0);
    expect(report.summary.requested).toBe(report.jobs.length);
  });

  it('retries what the manual example names and reports each job', async () => {
    const report = await invoke(event('manual.json'));
    expect(Object.fromEntries(report.jobs.map((j) => [j.jobId, j.outcome]))).toEqual({
      [demo('fullTransferFailed')]: 'retried',
      [demo('increTransferFailed')]: 'retried',
      [demo('createFailed')]: 'needs_attention',
    });
  });

  it('adds event ids to DRS_JOB_IDS', async () => {
    process.env.DRS_JOB_IDS = `${demo('healthyIncre')}, ${demo('fullTransferFailed')}`;
    const report = await invoke(event('sns.json'));
    expect(report.jobs.map((j) => j.jobId)).toEqual([demo('healthyIncre'), demo('fullTransferFailed'), demo('increTransferFailed')]);
  });

  it('throws a typed ConfigError for bad input and sends nothing', async () => {
    await expect(invoke({ jobIds: ['ok-id'], dryrun: true })).rejects.toBeInstanceOf(ConfigError);
    await expect(invoke({ jobIds: 'not-a-list' })).rejects.toThrow(/jobIds/);
    expect(emulator.log.entries).toEqual([]);
  });

  it('throws RunFailedError, carrying the report, when the run fails as a whole', async () => {
    // Prepare
    process.env.OS_PASSWORD = 'definitely-wrong';

    // Act
    const error = (await invoke({ jobIds: [demo('fullTransferFailed')] }).catch((e: unknown) => e)) as RunFailedError;

    // Assess
    expect(error).toBeInstanceOf(RunFailedError);
    expect(error.report.error?.message).toMatch(/IAM refused/);
    expect(error.report.jobs).toEqual([expect.objectContaining({ outcome: 'deferred' })]);
    expect(error.message).not.toContain('definitely-wrong');
  });

  it('keeps 10 s of the Lambda time back and defers what does not fit', async () => {
    // Prepare: 11.5 s left → a 1.5 s budget; DRS never answers the retry
    emulator.faults.add({ route: 'batch-retry', kind: 'hang', times: Infinity });
    const started = Date.now();

    // Act
    const report = await invoke({ jobIds: [demo('fullTransferFailed')] }, context(11_500));

    // Assess
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/time budget \(DRS_DEADLINE_MS\) ran out/) });
  });
});
