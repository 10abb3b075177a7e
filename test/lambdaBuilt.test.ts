import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, type JobOutcome } from '../lib/core/outcomes.js';
import { reportInvariantProblems, type Report } from '../lib/core/report.js';
import { LAMBDA_LOG_LINE_BYTES, REPORT_MESSAGE, REPORT_PART_MESSAGE } from '../lib/notify/reportLog.js';
import { OUTCOME_METRICS } from '../functions/middleware/reportMetrics.js';
import { demoJobId } from './emulator/demoProject.js';
import { invokeBuilt, type BuiltInvocation } from './support/builtHandler.js';
import { runCli } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

const demo = demoJobId;
const REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';
const FUNCTION_NAME = 'drs-auto-retry-test-autoRetry';
const manualEvent = JSON.parse(readFileSync('events/manual.json', 'utf8')) as unknown;

type Line = Record<string, unknown>;
const parse = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);
const emfLines = (lines: Line[]) => lines.filter((line) => '_aws' in line);
const logLines = (lines: Line[]) => lines.filter((line) => !('_aws' in line));

function returned(invocation: BuiltInvocation): Report {
  if (!invocation.result.ok) throw new Error(`the handler threw ${invocation.result.error.name}: ${invocation.result.error.message}`);
  return invocation.result.value;
}

useDemoEmulator();

describe('the built Lambda handler (dist/autoRetry.cjs in a fresh process)', () => {
  it('returns its report, with deferred jobs, within 20 s left although DRS_DEADLINE_MS is 600000 and DRS is slow', async () => {
    // Prepare: 20 retryable jobs, one per request, one request at a time, 2.5 s per request
    const ids = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(8, '0')}-1111-4111-8111-111111111jb101`);
    for (const id of ids) emulator.addTask({ id, status: 'FULL_TRANSFER_FAILED' });
    emulator.setLatency(2_500);
    const env = { ...emulatorEnv(emulator), DRS_DEADLINE_MS: '600000', DRS_BATCH_SIZE: '1', DRS_CONCURRENCY: '1', LOG_LEVEL: 'info' };

    // Act
    const invocation = await invokeBuilt({ jobIds: ids }, env, 20_000);

    // Assess: the run stopped at its 10 s budget, not at Lambda's (or middy's) timeout
    expect(invocation.result.elapsedMs).toBeLessThan(20_000);
    const report = returned(invocation);
    expect(report.durationMs).toBeLessThan(11_000);
    expect(report.summary.deferred).toBeGreaterThan(0);
    expect(report.summary.retried).toBeGreaterThan(0);
    expect(reportInvariantProblems(report)).toEqual([]);
    const logged = parse(invocation.lines).find((line) => line.msg === REPORT_MESSAGE);
    expect(logged?.report).toEqual(report);
  }, 40_000);

  it('logs 10,000 jobs in lines of at most 256 KiB, every job in some line, and returns the whole report', async () => {
    // Prepare: 100 tasks to retry, 9,900 ids DRS does not know
    const ids = Array.from({ length: 10_000 }, (_, i) => `${String(i).padStart(8, '0')}-9999-4999-8999-999999999jb101`);
    for (const id of ids.slice(0, 100)) emulator.addTask({ id, status: 'FULL_TRANSFER_FAILED' });
    const env = { ...emulatorEnv(emulator), DRS_CONCURRENCY: '10', LOG_LEVEL: 'info' };

    // Act
    const invocation = await invokeBuilt({ jobIds: ids }, env);

    // Assess: every stdout line is JSON and fits one CloudWatch event
    const report = returned(invocation);
    expect(invocation.stdout.endsWith('\n')).toBe(true);
    const sizes = invocation.lines.map((line) => Buffer.byteLength(line) + 1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(LAMBDA_LOG_LINE_BYTES);
    const lines = parse(invocation.lines);
    // The summary: the report without its jobs, and how many parts follow
    const summary = lines.find((line) => line.msg === REPORT_MESSAGE);
    const parts = lines.filter((line) => line.msg === REPORT_PART_MESSAGE);
    const { jobs, ...withoutJobs } = report;
    expect(summary).toMatchObject({ report: withoutJobs, jobsInParts: 10_000, parts: parts.length, runId: report.runId, awsRequestId: REQUEST_ID });
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, index) => expect(part).toMatchObject({ runId: report.runId, part: index + 1, parts: parts.length, functionName: FUNCTION_NAME }));
    // Every job in some line, exactly as returned; problems (not_found) before retried ones
    const loggedJobs = parts.flatMap((part) => part.jobs as JobOutcome[]);
    const byId = new Map(jobs.map((job) => [job.jobId, job]));
    expect(loggedJobs).toHaveLength(10_000);
    for (const job of loggedJobs) expect(byId.get(job.jobId)).toEqual(job);
    expect(new Set(loggedJobs.map((job) => job.jobId)).size).toBe(10_000);
    expect(loggedJobs.slice(0, 9_900).every((job) => job.outcome === 'not_found')).toBe(true);
    // The returned value is the whole report
    expect(report.summary).toMatchObject({ requested: 10_000, retried: 100, not_found: 9_900 });
    expect(jobs.map((job) => job.jobId)).toEqual(ids);
    process.stdout.write(`lambdaBuilt: 10,000 jobs → ${lines.length} stdout lines, ${parts.length} parts, longest ${Math.max(...sizes)} bytes\n`);
  }, 60_000);

  it('writes one EMF line whose counts are the report\'s (namespace DrsAutoRetry, dimension service)', async () => {
    // Act
    const invocation = await invokeBuilt(manualEvent, { ...emulatorEnv(emulator), LOG_LEVEL: 'info' });

    // Assess
    const report = returned(invocation);
    const emf = emfLines(parse(invocation.lines));
    expect(emf).toHaveLength(1);
    const [line] = emf as Array<Line & { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } }>;
    const directive = line?._aws.CloudWatchMetrics;
    expect(directive).toHaveLength(1);
    expect(directive?.[0]?.Namespace).toBe('DrsAutoRetry');
    expect(directive?.[0]?.Dimensions).toEqual([['service']]);
    expect(line?.service).toBe('drs-auto-retry');
    const declared = Object.fromEntries(directive?.[0]?.Metrics.map((m) => [m.Name, m.Unit]) ?? []);
    expect(declared).toEqual({ ...Object.fromEntries(Object.values(OUTCOME_METRICS).map((name) => [name, 'Count'])), RunFailed: 'Count', DurationMs: 'Milliseconds' });
    for (const outcome of ['requested', ...OUTCOMES] as const) expect(line?.[OUTCOME_METRICS[outcome]]).toBe(report.summary[outcome]);
    expect(line).toMatchObject({ RunFailed: 0, DurationMs: report.durationMs, Retried: 2, NeedsAttention: 1 });
  });

  it('counts a failed run (RunFailed 1), logs its report then its error, and fails the invocation', async () => {
    // Act
    const invocation = await invokeBuilt({ jobIds: [demo('fullTransferFailed')] }, { ...emulatorEnv(emulator), OS_PASSWORD: 'definitely-wrong', LOG_LEVEL: 'info' });

    // Assess
    expect(invocation.result).toMatchObject({ ok: false, error: { name: 'RunFailedError' } });
    const lines = parse(invocation.lines);
    expect(emfLines(lines)).toEqual([expect.objectContaining({ RunFailed: 1, Requested: 1, Deferred: 1 })]);
    const reportIndex = lines.findIndex((line) => line.msg === REPORT_MESSAGE);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ awsRequestId: REQUEST_ID, error: expect.objectContaining({ code: 'IAM.0062' }) })]);
    expect(reportIndex).toBeLessThan(lines.indexOf(errors[0] as Line));
    expect(leakedSecrets([invocation.stdout, invocation.stderr], [...secretsInPlay(emulator), 'definitely-wrong'])).toEqual([]);
  });

  it('logs a bad input once, counts RunFailed 1, and sends nothing', async () => {
    const invocation = await invokeBuilt({ jobIds: 'not-a-list' }, { ...emulatorEnv(emulator), LOG_LEVEL: 'info' });
    expect(invocation.result).toMatchObject({ ok: false, error: { name: 'ConfigError' } });
    const lines = parse(invocation.lines);
    expect(logLines(lines)).toEqual([expect.objectContaining({ level: 'error', awsRequestId: REQUEST_ID, error: expect.objectContaining({ field: expect.stringMatching(/jobIds/) }) })]);
    expect(emfLines(lines)).toEqual([expect.objectContaining({ RunFailed: 1 })]);
    expect(emulator.log.entries).toEqual([]);
  });

  it('names the invocation on every log line, retry notices included', async () => {
    // Prepare: the first status read fails once, so the run logs a retry notice
    emulator.faults.add({ route: 'batch-detail', kind: 'server-error' });

    // Act
    const invocation = await invokeBuilt(manualEvent, { ...emulatorEnv(emulator), LOG_LEVEL: 'info' });

    // Assess
    const report = returned(invocation);
    const lines = logLines(parse(invocation.lines));
    expect(lines.some((line) => line.msg === 'retrying a DRS/IAM call')).toBe(true);
    for (const line of lines) expect(line).toMatchObject({ awsRequestId: REQUEST_ID, functionName: FUNCTION_NAME, runId: report.runId });
  });

  it('logs the report at LOG_LEVEL=error too, and nothing else of a good run', async () => {
    const invocation = await invokeBuilt(manualEvent, { ...emulatorEnv(emulator), LOG_LEVEL: 'error' });
    const report = returned(invocation);
    expect(logLines(parse(invocation.lines))).toEqual([expect.objectContaining({ msg: REPORT_MESSAGE, report })]);
  });

  it('applies LOG_LEVEL as the settings parse it (any case, spaces around it): the report alone at " Error "', async () => {
    const invocation = await invokeBuilt(manualEvent, { ...emulatorEnv(emulator), LOG_LEVEL: ' Error ' });
    const report = returned(invocation);
    expect(logLines(parse(invocation.lines))).toEqual([expect.objectContaining({ msg: REPORT_MESSAGE, report })]);
  });

  it('leaves the CLI as it was: the report alone on stdout, logs on stderr, no EMF anywhere', async () => {
    // Act: the same jobs through the built CLI
    const result = await runCli(['--event', 'events/manual.json'], { ...emulatorEnv(emulator), LOG_LEVEL: 'info' });

    // Assess
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ summary: { requested: 3, retried: 2, needs_attention: 1 } });
    expect(result.stderr).toMatch(/"msg":"status read and retries done"/);
    expect(result.stdout + result.stderr).not.toContain('"_aws"');
  });
});
