import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { NO_LEDGER_WARNING } from '../lib/engine/warnings.js';
import { demoJobId as demo } from './emulator/demoProject.js';
import { invokeBuilt } from './support/builtHandler.js';
import { runCli } from './support/cli.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { LOCAL_AWS_ENV, startDynalite, type LocalDynamo } from './support/dynalite.js';
import { emulatorEnv } from './support/emulatorEnv.js';

/**
 * A scheduled run without a ledger retries a task that keeps failing on every run and never
 * escalates it (issue 21, item 1): it says so, in its report's `warnings` and in its log. A run
 * started by hand or by an event, or one with a ledger, does not. (The FunctionGraph timer is
 * proved in functionGraphZip.test.ts, on the built zip.)
 */

/** EventBridge's own scheduled event: an empty detail means "use the configuration". */
const SCHEDULED_EVENT = {
  version: '0', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', 'detail-type': 'Scheduled Event', source: 'aws.events',
  account: '123456789012', time: '2026-12-01T08:30:00Z', region: 'eu-central-1', resources: [], detail: {},
};
/** serverless.yml's schedule `input`, as events/schedule.json holds it. */
const SCHEDULE_INPUT = JSON.parse(readFileSync('events/schedule.json', 'utf8')) as unknown;

const JOB = demo('fullTransferFailed');
const logLines = (lines: readonly string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const warningLines = (lines: readonly string[]) => logLines(lines).filter((line) => line.msg === NO_LEDGER_WARNING);

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

useDemoEmulator();

describe('a scheduled run without a ledger warns (the built Lambda handler)', () => {
  it.each([
    ['an EventBridge Scheduled Event', SCHEDULED_EVENT],
    ['the schedule\'s input (events/schedule.json)', SCHEDULE_INPUT],
  ])('%s: the warning is in the report and in one warn line of the log', async (_name, event) => {
    // Act
    const { result, lines } = await invokeBuilt(event, { ...emulatorEnv(emulator), DRS_JOB_IDS: JOB });

    // Assess
    if (!result.ok) throw new Error(`the handler threw ${result.error.message}`);
    expect(result.value).toMatchObject({ trigger: 'schedule', warnings: [NO_LEDGER_WARNING], summary: { retried: 1 } });
    expect(warningLines(lines)).toEqual([expect.objectContaining({ level: 'warn' })]);
    // The logged report carries it too.
    const logged = logLines(lines).find((line) => line.msg === 'drs-auto-retry report')?.report as Report | undefined;
    expect(logged?.warnings).toEqual([NO_LEDGER_WARNING]);
  });

  it('a manual run without a ledger does not warn: a person sees what it did', async () => {
    const { result, lines } = await invokeBuilt({ jobIds: [JOB] }, emulatorEnv(emulator));
    if (!result.ok) throw new Error(`the handler threw ${result.error.message}`);
    expect(result.value.trigger).toBe('manual');
    expect(result.value).not.toHaveProperty('warnings');
    expect(warningLines(lines)).toEqual([]);
  });

  it('a scheduled run with the DynamoDB ledger does not warn', async () => {
    // Prepare
    const table = `ledger-warn-${Math.random().toString(36).slice(2, 8)}`;
    await dynamo.createLedgerTable(table);

    // Act
    const { result, lines } = await invokeBuilt(SCHEDULED_EVENT, {
      ...emulatorEnv(emulator), ...LOCAL_AWS_ENV, DRS_JOB_IDS: JOB, DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint,
    });

    // Assess
    if (!result.ok) throw new Error(`the handler threw ${result.error.message}`);
    expect(result.value).toMatchObject({ trigger: 'schedule', summary: { retried: 1 } });
    expect(result.value).not.toHaveProperty('warnings');
    expect(warningLines(lines)).toEqual([]);
  });
});

describe('a scheduled run without a ledger warns (the built CLI)', () => {
  it('--event events/schedule.json: in the JSON report and in the log on stderr', async () => {
    const result = await runCli(['--event', 'events/schedule.json', '--job', JOB], emulatorEnv(emulator));
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Report).warnings).toEqual([NO_LEDGER_WARNING]);
    expect(warningLines(result.stderr.split('\n').filter(Boolean))).toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('--format text says it under the run line', async () => {
    const result = await runCli(['--event', 'events/schedule.json', '--job', JOB, '--format', 'text'], emulatorEnv(emulator));
    expect(result.stdout.split('\n').slice(2, 5)).toEqual([expect.stringMatching(/^started /), '', `WARNING: ${NO_LEDGER_WARNING}`]);
  });

  it('a run by hand, or a scheduled one with the DynamoDB ledger, does not warn', async () => {
    // Prepare
    const table = `ledger-warn-${Math.random().toString(36).slice(2, 8)}`;
    await dynamo.createLedgerTable(table);
    const withLedger = { ...emulatorEnv(emulator), ...LOCAL_AWS_ENV, DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint };

    // Act
    const byHand = await runCli(['--job', JOB, '--dry-run'], emulatorEnv(emulator));
    const scheduled = await runCli(['--event', 'events/schedule.json', '--job', JOB], withLedger);

    // Assess
    for (const result of [byHand, scheduled]) {
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).not.toHaveProperty('warnings');
      expect(result.stderr).not.toContain('no ledger');
    }
  });
});
