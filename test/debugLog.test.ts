import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { invokeBuilt } from './support/builtHandler.js';
import { runCli } from './support/cli.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { DuplicateKeyError, parseStrictJson } from './support/strictJson.js';

/**
 * Troubleshooting output (issue 21, item 7), through the built CLI and the built Lambda handler
 * against the emulator: LOG_LEVEL=debug says each HTTP exchange and each of the plan's
 * decisions, the log counts in the report's words, and no log line holds a key twice.
 */

type LogLine = Record<string, unknown>;
/** Every line of a log, each parsed by the duplicate-key-refusing parser. */
const logLines = (text: string | readonly string[]): LogLine[] =>
  (typeof text === 'string' ? text.split('\n') : text).filter(Boolean).map((line) => parseStrictJson(line) as LogLine);
const withMessage = (lines: readonly LogLine[], msg: string) => lines.filter((line) => line.msg === msg);

/** What an exchange line may say: nothing else (no body, no header, no URL). */
const EXCHANGE_FIELDS = ['apiCode', 'attempt', 'ms', 'network', 'operation', 'status', 'throttled'];

/** Every value under the key `name`, at any depth of a line. */
function valuesOf(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, name));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [...(key === name ? [inner] : []), ...valuesOf(inner, name)]);
}

useDemoEmulator();

describe('parseStrictJson, the check below', () => {
  it('refuses a key twice in one object, at any depth, and reads what JSON.parse reads otherwise', () => {
    expect(() => parseStrictJson('{"runId":"a","x":1,"runId":"a"}')).toThrow(DuplicateKeyError);
    expect(() => parseStrictJson('{"a":[{"b":1},{"c":{"d":"\\"}","d":2}}]}')).toThrow(/key "d" appears twice/);
    const text = '{"a":"x\\"y\\\\","b":[1,-2.5e3,true,null,{}],"c":{"a":[]}, "d" : "é\\u00e9"}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    expect(() => parseStrictJson('{"a":1,}')).toThrow(SyntaxError);
  });
});

describe('LOG_LEVEL=debug (the built CLI)', () => {
  it('logs one line per HTTP exchange: operation, attempt, status, time, throttling; never a body, a header value or a URL', async () => {
    // Prepare: DRS throttles the first status read once
    emulator.faults.add({ route: 'batch-detail', kind: 'throttle', times: 1 });

    // Act
    const result = await runCli(['--discover', '--dry-run'], { ...emulatorEnv(emulator), LOG_LEVEL: 'debug' });

    // Assess
    expect(result.code).toBe(1);
    const exchanges = withMessage(logLines(result.stderr), 'HTTP exchange').map((line) => line.http as LogLine);
    expect(exchanges).toHaveLength(emulator.log.entries.length);
    for (const exchange of exchanges) {
      expect(EXCHANGE_FIELDS).toEqual(expect.arrayContaining(Object.keys(exchange)));
      expect(exchange).toMatchObject({ operation: expect.any(String), attempt: expect.any(Number), status: expect.any(Number), ms: expect.any(Number) });
    }
    expect(exchanges).toEqual(expect.arrayContaining([
      { operation: 'IAM token', attempt: 1, status: 201, ms: expect.any(Number), throttled: false },
      { operation: 'DRS batch-detail', attempt: 1, status: 400, ms: expect.any(Number), throttled: true, apiCode: 'DRS.M01503' },
      { operation: 'DRS batch-detail', attempt: 2, status: 200, ms: expect.any(Number), throttled: false },
    ]));
    expect(result.stderr).not.toContain(emulator.url);
    expect(leakedSecrets([result.stderr], secretsInPlay(emulator))).toEqual([]);
  });

  it('logs the plan\'s decision for each job: its status, its cause, and the report\'s outcome, or retry', async () => {
    // Act
    const result = await runCli(['--discover'], { ...emulatorEnv(emulator), LOG_LEVEL: 'debug' });

    // Assess
    const report = JSON.parse(result.stdout) as Report;
    const decisions = new Map(withMessage(logLines(result.stderr), 'plan decision').map((line) => {
      const job = line.job as { jobId: string; status?: string; cause?: string; decision: string };
      return [job.jobId, job];
    }));
    expect([...decisions.keys()].sort()).toEqual(report.jobs.map((job) => job.jobId).sort());
    for (const job of report.jobs) {
      const decision = decisions.get(job.jobId);
      expect([decision?.status, decision?.cause ?? null]).toEqual([job.status, job.cause?.id ?? null]);
      if (decision?.decision === 'retry') expect(['retried', 'retry_failed', 'skipped', 'deferred', 'not_found']).toContain(job.outcome);
      else expect(decision?.decision).toBe(job.outcome);
    }
    expect([...decisions.values()].filter((d) => d.decision === 'retry')).toHaveLength(9);
  });

  it('LOG_LEVEL=trace logs at least what debug does; info none of it', async () => {
    // Act: a dry run changes nothing, so the three runs see the same project
    const env = { ...emulatorEnv(emulator) };
    const [debug, trace, info] = [
      await runCli(['--discover', '--dry-run'], { ...env, LOG_LEVEL: 'debug' }),
      await runCli(['--discover', '--dry-run'], { ...env, LOG_LEVEL: 'trace' }),
      await runCli(['--discover', '--dry-run'], { ...env, LOG_LEVEL: 'info' }),
    ];

    // Assess
    const messages = (text: string) => logLines(text).map((line) => `${String(line.level)} ${String(line.msg)}`).sort();
    expect(messages(debug.stderr).filter((m) => m.startsWith('debug '))).toHaveLength(5 + 12);
    expect(messages(trace.stderr)).toEqual(expect.arrayContaining(messages(debug.stderr)));
    expect(logLines(info.stderr).filter((line) => line.level === 'debug' || line.level === 'trace')).toEqual([]);
  });
});

describe('the log\'s counts are the report\'s', () => {
  it('the CLI: every count under an outcome\'s name is the report\'s, and the last line is its summary', async () => {
    // Act: one of the 9 retries is answered "busy" (DRS.M01504): deferred, not retried
    const result = await runCli(['--discover'], emulatorEnv(emulator));

    // Assess
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary).toMatchObject({ retried: 8, deferred: 1 });
    const lines = logLines(result.stderr);
    expect(withMessage(lines, 'run done')).toEqual([expect.objectContaining({ summary: report.summary })]);
    for (const outcome of Object.keys(report.summary) as Array<keyof Report['summary']>) {
      expect(lines.flatMap((line) => valuesOf(line, outcome)).filter((value) => typeof value === 'number')).toEqual(
        lines.filter((line) => line.summary !== undefined).map(() => report.summary[outcome]),
      );
    }
  });
});

describe('no log line holds a key twice', () => {
  it('the built Lambda handler: each line carries the runId once, the report\'s', async () => {
    // Act: a retry notice and a failed sink add their lines
    emulator.faults.add({ route: 'batch-retry', kind: 'server-error', times: 1 });
    const { result, lines } = await invokeBuilt({ trigger: 'schedule' }, {
      ...emulatorEnv(emulator), DRS_DISCOVER: 'true', NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', NOTIFY_ON: 'always',
    });

    // Assess
    if (!result.ok) throw new Error(`the handler threw ${result.error.message}`);
    const parsed = logLines(lines);
    const logged = parsed.filter((line) => line.level !== undefined);
    expect(logged.length).toBeGreaterThan(4);
    for (const line of logged) expect(line.runId).toBe(result.value.runId);
    expect(withMessage(parsed, 'retrying a DRS/IAM call')).not.toEqual([]);
    expect(withMessage(parsed, 'a notification sink failed; the report is still complete')).not.toEqual([]);
  });

  it('the built CLI at LOG_LEVEL=trace: each line carries the runId once, the report\'s', async () => {
    const result = await runCli(['--discover'], { ...emulatorEnv(emulator), LOG_LEVEL: 'trace' });
    const report = JSON.parse(result.stdout) as Report;
    const lines = logLines(result.stderr);
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(line.runId).toBe(report.runId);
  });
});
