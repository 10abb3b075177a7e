import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, SUCCESSFUL_OUTCOMES, type JobOutcome } from '../lib/core/outcomes.js';
import { buildReport, type Report } from '../lib/core/report.js';
import {
  FUNCTIONGRAPH_LOG_LINE_BYTES,
  LAMBDA_LOG_LINE_BYTES,
  REPORT_MESSAGE,
  REPORT_PART_MESSAGE,
  writeReportLog,
} from '../lib/notify/reportLog.js';

const RUN_ID = '0b9d5f7e-3c1a-4e8b-9f2d-6a4c8e0b1d3f';
const FIELDS = { service: 'drs-auto-retry', awsRequestId: 'req-1', functionName: 'fn', runId: RUN_ID };

function report(jobs: JobOutcome[], extra: Partial<Report> = {}): Report {
  return {
    ...buildReport({
      runId: RUN_ID,
      trigger: 'schedule',
      dryRun: false,
      region: 'eu-de',
      projectId: 'p1',
      startedAt: 0,
      finishedAt: 1_000,
      requestedIds: jobs.map((j) => j.jobId),
      outcomes: jobs,
    }),
    ...extra,
  };
}

const job = (i: number, outcome: JobOutcome['outcome'], reason = 'the task was not found in DRS (deleted, or a wrong id)'): JobOutcome => ({
  jobId: `${String(i).padStart(8, '0')}-9999-4999-8999-999999999jb101`,
  outcome,
  ...(outcome === 'retried' ? { status: 'FULL_TRANSFER_FAILED' } : { reason }),
});

function capture(r: Report, maxLineBytes: number) {
  const lines: string[] = [];
  const result = writeReportLog(r, { maxLineBytes, fields: FIELDS, write: (line) => lines.push(line), now: () => new Date(0) });
  return { lines, result, parsed: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Every job of the lines, as logged, in order. */
const loggedJobs = (parsed: Array<Record<string, unknown>>): JobOutcome[] =>
  parsed.flatMap((line) => ((line.report as Report | undefined)?.jobs ?? (line.jobs as JobOutcome[] | undefined) ?? []));

describe('writeReportLog', () => {
  it('writes a small report whole, in one line that carries the invocation fields', () => {
    // Prepare
    const small = report([job(1, 'retried'), job(2, 'not_found')]);

    // Act
    const { lines, parsed, result } = capture(small, LAMBDA_LOG_LINE_BYTES);

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    expect(parsed[0]).toEqual({ level: 'info', time: '1970-01-01T00:00:00.000Z', ...FIELDS, report: small, msg: REPORT_MESSAGE });
    expect(result).toEqual({ lines: 1, parts: 0, longestLineBytes: Buffer.byteLength(lines[0] ?? '') });
  });

  it('splits 10,000 jobs into a summary and parts of at most 256 KiB, problems first, every job once', () => {
    // Prepare: 9,900 not found and 100 retried, interleaved
    const jobs = Array.from({ length: 10_000 }, (_, i) => job(i, i % 100 === 0 ? 'retried' : 'not_found'));
    const big = report(jobs);

    // Act
    const { lines, parsed, result } = capture(big, LAMBDA_LOG_LINE_BYTES);

    // Assess
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LAMBDA_LOG_LINE_BYTES);
    const [summary, ...parts] = parsed;
    const { jobs: _jobs, ...withoutJobs } = big;
    expect(summary).toEqual({ level: 'info', time: expect.any(String), ...FIELDS, report: withoutJobs, jobsInParts: 10_000, parts: parts.length, msg: REPORT_MESSAGE });
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, index) => expect(part).toMatchObject({ runId: RUN_ID, part: index + 1, parts: parts.length, msg: REPORT_PART_MESSAGE }));
    const logged = loggedJobs(parts);
    expect(logged.map((j) => j.jobId).sort()).toEqual(jobs.map((j) => j.jobId).sort());
    expect(logged.slice(0, 9_900).every((j) => j.outcome === 'not_found')).toBe(true);
    expect(result).toMatchObject({ lines: lines.length, parts: parts.length });
    // Parts are packed, not one job each: all but the last are close to the limit.
    expect(Buffer.byteLength(lines[1] ?? '')).toBeGreaterThan(LAMBDA_LOG_LINE_BYTES - 200);
  });

  it('keeps to the 90 KiB FunctionGraph limit just as well', () => {
    const jobs = Array.from({ length: 3_000 }, (_, i) => job(i, 'deferred', 'not attempted: the run\'s time budget ran out'));
    const { lines } = capture(report(jobs), FUNCTIONGRAPH_LOG_LINE_BYTES);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(FUNCTIONGRAPH_LOG_LINE_BYTES);
  });

  it('cuts a job whose DRS message alone is longer than a line, and a huge run error, but logs them', () => {
    // Prepare: multi-byte text, so bytes and characters differ
    const long = 'ü'.repeat(20_000);
    const r = report([{ ...job(1, 'retry_failed'), errorMessage: long }, job(2, 'retried')], { error: { code: 'X', message: long } });

    // Act
    const { lines, parsed } = capture(r, 16 * 1024);

    // Assess
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(16 * 1024);
    expect(loggedJobs(parsed).map((j) => j.jobId)).toEqual([job(1, 'retried').jobId, job(2, 'retried').jobId]);
    expect(loggedJobs(parsed)[0]?.errorMessage).toMatch(/^ü+…$/);
    expect((parsed[0]?.report as Report).error?.message).toMatch(/^ü+…$/);
  });

  it('never cuts a character outside the BMP in two when it cuts a message', () => {
    // Prepare: two UTF-16 units a character, so a cut after an odd number of units splits one
    const long = '😀'.repeat(20_000);
    const r = report([{ ...job(1, 'retry_failed'), errorMessage: long }]);

    // Act
    const { lines, parsed } = capture(r, 16 * 1024);

    // Assess: no lone surrogate, written raw or escaped
    for (const line of lines) expect(line).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|[\ud800-\udbff](?![\udc00-\udfff])/i);
    expect(loggedJobs(parsed)[0]?.errorMessage).toMatch(/^(😀)+…$/u);
  });

  it('holds for any mix of outcomes and limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ outcome: fc.constantFrom(...OUTCOMES), reason: fc.string({ maxLength: 400 }) }), { maxLength: 400 }),
        fc.integer({ min: 4_096, max: 64 * 1024 }),
        (specs, limit) => {
          const jobs = specs.map((s, i) => job(i, s.outcome, s.reason));
          const { lines, parsed } = capture(report(jobs), limit);
          const logged = loggedJobs(parsed);
          const firstGood = logged.findIndex((j) => SUCCESSFUL_OUTCOMES.has(j.outcome));
          return (
            lines.every((line) => Buffer.byteLength(line) <= limit && line.endsWith('\n') && !line.slice(0, -1).includes('\n')) &&
            logged.length === jobs.length &&
            new Set(logged.map((j) => j.jobId)).size === jobs.length &&
            // A report that fits one line is logged as it is; parts put problems first.
            (lines.length === 1 || firstGood === -1 || logged.slice(firstGood).every((j) => SUCCESSFUL_OUTCOMES.has(j.outcome)))
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a limit too small to hold a job', () => {
    expect(() => writeReportLog(report([]), { maxLineBytes: 100, write: () => undefined })).toThrow(/maxLineBytes/);
  });
});
