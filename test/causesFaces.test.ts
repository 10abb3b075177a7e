import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAUSE_RULES, docOf } from '../lib/core/failureCauses.js';
import type { Report } from '../lib/core/report.js';
import { demoTopicUrn } from './emulator/demoProject.js';
import { DB_PASSWORD_IN_FAILURE_TEXT, FAILURE_CAUSE_JOBS, failureCauseJobId, seedFailureCauses } from './emulator/failureCauses.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import { startReceiver, type Receiver } from './fixtures/receiver.js';
import { invokeBuilt } from './support/builtHandler.js';
import { runCli } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';

/**
 * Failure causes end to end (README "Why did it fail?"), through the built CLI and the built
 * Lambda handler (the FunctionGraph zip: test/functionGraphZip.test.ts) against the emulator,
 * whose failed tasks carry DRS's documented texts: what reaches batch-retry-task, what the report,
 * the text report and every sink say, and that the database password in one text is nowhere.
 */
let emulator: Emulator;
let receivers: Receiver[] = [];
let work: string;
const cause = failureCauseJobId;
const PERSON = FAILURE_CAUSE_JOBS.filter((job) => job.decision === 'person');
const hintOf = (id: string) => DEFAULT_CAUSE_RULES.find((rule) => rule.id === id)?.hint ?? '';
const docOfRule = (id: string) => docOf(DEFAULT_CAUSE_RULES.find((rule) => rule.id === id) ?? { sources: [] }) ?? '';

/** The operator's changes used below: disk-full retried after all, and a rule of their own. */
const OVERRIDES = [
  { id: 'disk-full', retry: true },
  {
    id: 'worker-phase', match: 'entered an unexpected phase', retry: false,
    hint: 'The replication worker is stuck: page the DBA on call.', doc: 'https://wiki.example.com/runbooks/drs-worker-phase',
  },
];

beforeEach(async () => {
  emulator = await startEmulator();
  seedFailureCauses(emulator);
  emulator.addTopic(demoTopicUrn());
  work = mkdtempSync(join(tmpdir(), 'causes-faces-'));
});
afterEach(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
});

async function sinks(): Promise<{ env: Record<string, string>; bodies: () => Record<'webhook' | 'slack' | 'teams', string> }> {
  const started = await Promise.all([0, 1, 2].map(() => startReceiver(() => ({ status: 200, body: 'ok' }))));
  receivers.push(...started);
  const [webhook, slack, teams] = started;
  return {
    env: {
      NOTIFY_WEBHOOK_URL: `${webhook?.url}/hooks/drs`,
      NOTIFY_SLACK_WEBHOOK_URL: `${slack?.url}/services/T000/B000/XXXXXXXX`,
      NOTIFY_TEAMS_WEBHOOK_URL: `${teams?.url}/workflows/abc?sig=secret-sig`,
      NOTIFY_SMN_TOPIC_URN: demoTopicUrn(),
    },
    bodies: () => ({ webhook: webhook?.requests[0]?.body ?? '', slack: slack?.requests[0]?.body ?? '', teams: teams?.requests[0]?.body ?? '' }),
  };
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...emulatorEnv(emulator), LOG_LEVEL: 'debug', ...env });
const jobArgs = () => FAILURE_CAUSE_JOBS.flatMap((job) => ['--job', job.id]);
const jobOf = (report: Report, id: string) => report.jobs.find((job) => job.jobId === id);

describe('the built CLI', () => {
  it('never sends a cause that needs a person, reports failureReason and cause, and every sink says the hint; no password anywhere', async () => {
    // Prepare
    const { env, bodies } = await sinks();

    // Act
    const result = await cli(['--format', 'json', '--discover'], env);

    // Assess: batch-retry-task saw the retryable tasks and no task that needs a person.
    expect(result.code).toBe(1);
    const sent = emulator.log.retriedJobIds();
    for (const job of PERSON) expect(sent, job.key).not.toContain(job.id);
    expect(sent).toContain(cause('linkFailure'));
    const report = JSON.parse(result.stdout) as Report;
    for (const job of FAILURE_CAUSE_JOBS) {
      expect(jobOf(report, job.id)?.failureReason, job.key).toMatch(/^service LOGMANAGER failed, cause by: /);
      expect(jobOf(report, job.id)?.cause?.id, job.key).toBe(job.cause);
    }
    expect(jobOf(report, cause('duplicateKey'))).toMatchObject({ outcome: 'needs_attention', cause: { id: 'duplicate-key', retry: false, hint: hintOf('duplicate-key') } });
    expect(report.notifications.every((note) => note.ok)).toBe(true);
    const { webhook, slack, teams } = bodies();
    const smn = emulator.publishedMessages()[0]?.message ?? '';
    expect(slack).toContain(`*1 task — duplicate-key*: ${hintOf('duplicate-key')}`);
    expect(slack).toContain(`<${docOfRule('duplicate-key')}|Docs>`);
    expect(teams).toContain(`1 task — **disk-full**: ${hintOf('disk-full')}`);
    expect(teams).toContain(`[Docs](${docOfRule('disk-full')})`);
    expect(smn).toContain(`1 task — binlog-purged: ${hintOf('binlog-purged')}`);
    expect(smn).toContain(docOfRule('binlog-purged'));
    expect(JSON.parse(webhook)).toMatchObject({ jobs: expect.arrayContaining([expect.objectContaining({ cause: expect.objectContaining({ id: 'must-seek' }) })]) });
    // The password inside DRS's text reached no output and no sink; the masked text did.
    const everything = [result.stdout, result.stderr, webhook, slack, teams, smn];
    expect(leakedSecrets(everything, secretsInPlay(emulator, [DB_PASSWORD_IN_FAILURE_TEXT]))).toEqual([]);
    expect(jobOf(report, cause('unreachableWithPassword'))?.failureReason).toContain('password=***');
    expect(result.stderr).toMatch(/"level":"debug"|"level":"info"/);
  });

  it('prints the hints grouped by cause in the text report, and the rule each task matched', async () => {
    // Act
    const result = await cli(['--format', 'text', ...jobArgs()]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('What a person does (by failure cause):');
    for (const id of ['disk-full', 'access-denied', 'duplicate-key', 'binlog-purged', 'must-seek', 'table-missing']) {
      expect(result.stdout).toContain(`  1 task — ${id}: ${hintOf(id)}`);
    }
    expect(result.stdout).toMatch(new RegExp(`${cause('lockWait')}\\s+DRS-invoices-migration\\s+migration\\s+retried\\s+FULL_TRANSFER_FAILED\\s+-\\s+lock-wait`));
    expect(result.stdout).not.toContain(DB_PASSWORD_IN_FAILURE_TEXT);
  });

  it('applies the rules in a dry run, sending nothing, and shows which rule matched each task', async () => {
    // Act
    const result = await cli(['--format', 'text', '--dry-run', ...jobArgs()]);

    // Assess
    expect(emulator.log.retriedJobIds()).toEqual([]);
    expect(result.stdout).toMatch(/^DRS auto-retry \(dry run\) — 6 would retry, 6 need attention/);
    for (const job of FAILURE_CAUSE_JOBS) {
      const outcome = job.decision === 'person' ? 'needs_attention' : 'would_retry';
      expect(result.stdout, job.key).toMatch(new RegExp(`${job.id}\\s+${job.name}\\s+migration\\s+${outcome}\\s+\\S+\\s+\\S+\\s+${job.cause}\\s`));
    }
  });

  it.each(['inline', '@file'])('takes DRS_CAUSE_RULES %s: a rule turned to retry, and a rule of the operator', async (form) => {
    // Prepare
    const file = join(work, 'rules.json');
    writeFileSync(file, JSON.stringify(OVERRIDES, null, 2));
    const value = form === 'inline' ? JSON.stringify(OVERRIDES) : `@${file}`;

    // Act
    const result = await cli(['--format', 'json', '--job', cause('diskFull'), '--job', cause('unknownCause')], { DRS_CAUSE_RULES: value });

    // Assess
    const report = JSON.parse(result.stdout) as Report;
    expect(jobOf(report, cause('diskFull'))).toMatchObject({ outcome: 'retried', cause: { id: 'disk-full', retry: true } });
    expect(jobOf(report, cause('unknownCause'))).toMatchObject({
      outcome: 'needs_attention',
      cause: { id: 'worker-phase', retry: false, hint: OVERRIDES[1]?.hint, doc: 'https://wiki.example.com/runbooks/drs-worker-phase' },
    });
    expect(emulator.log.retriedJobIds()).toEqual([cause('diskFull')]);
  });

  it('refuses a DRS_CAUSE_RULES file it cannot read, or a bad one, with exit 2 naming the variable, and sends nothing', async () => {
    // Prepare
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '[{"id":"disk-full","retry":"no"}]');

    // Act
    const missing = await cli(['--job', cause('diskFull')], { DRS_CAUSE_RULES: `@${join(work, 'missing.json')}` });
    const invalid = await cli(['--job', cause('diskFull')], { DRS_CAUSE_RULES: `@${bad}` });

    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/DRS_CAUSE_RULES names the file ".*missing\.json", which cannot be read/);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/DRS_CAUSE_RULES\[0\]\.retry must be true or false, got a string/);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('the built Lambda handler', () => {
  it("takes DRS_CAUSE_RULES from the function's environment, never sends a cause that needs a person, and logs no password", async () => {
    // Prepare
    const { env, bodies } = await sinks();

    // Act
    const invocation = await invokeBuilt(
      { jobIds: FAILURE_CAUSE_JOBS.map((job) => job.id) },
      { ...emulatorEnv(emulator), ...env, DRS_CAUSE_RULES: JSON.stringify(OVERRIDES), LOG_LEVEL: 'debug' },
    );

    // Assess
    if (!invocation.result.ok) throw new Error(`the handler threw ${invocation.result.error.message}`);
    const report = invocation.result.value;
    const sent = emulator.log.retriedJobIds();
    for (const job of PERSON.filter((each) => each.cause !== 'disk-full')) expect(sent, job.key).not.toContain(job.id);
    expect(sent).toContain(cause('diskFull'));
    expect(sent).not.toContain(cause('unknownCause'));
    expect(jobOf(report, cause('unknownCause'))).toMatchObject({ outcome: 'needs_attention', failureReason: expect.stringMatching(/unexpected phase/), cause: { id: 'worker-phase' } });
    const { slack, teams, webhook } = bodies();
    expect(slack).toContain('*1 task — worker-phase*: The replication worker is stuck: page the DBA on call.');
    expect(slack).toContain('<https://wiki.example.com/runbooks/drs-worker-phase|Docs>');
    expect(teams).toContain('[Docs](https://wiki.example.com/runbooks/drs-worker-phase)');
    const everything = [invocation.stdout, invocation.stderr, JSON.stringify(report), slack, teams, webhook, emulator.publishedMessages()[0]?.message ?? ''];
    expect(leakedSecrets(everything, secretsInPlay(emulator, [DB_PASSWORD_IN_FAILURE_TEXT]))).toEqual([]);
  });

  it.each([
    ['bad JSON', '[{"id":"disk-full",}]', /DRS_CAUSE_RULES is not valid JSON/, 'DRS_CAUSE_RULES'],
    ['an unknown field', '[{"id":"disk-full","hnit":"x"}]', /DRS_CAUSE_RULES\[0\] has unknown field "hnit": did you mean "hint"\?/, 'DRS_CAUSE_RULES[0].hnit'],
    ['an invalid pattern', '[{"id":"vendor-lock","pattern":"[a-","retry":false,"hint":"Ask the DBA."}]', /DRS_CAUSE_RULES\[0\]\.pattern\[0\] is not a valid regular expression/, 'DRS_CAUSE_RULES[0].pattern[0]'],
    ['a file, which a function cannot read', '@rules.json', /DRS_CAUSE_RULES names a file \("@rules\.json"\), which only the command line reads; put the JSON itself in the variable/, 'DRS_CAUSE_RULES'],
  ])('fails with a ConfigError naming the variable and field for %s, sending nothing', async (_name, value, message, field) => {
    // Act
    const invocation = await invokeBuilt({ jobIds: [cause('diskFull')] }, { ...emulatorEnv(emulator), DRS_CAUSE_RULES: value });

    // Assess
    expect(invocation.result).toMatchObject({ ok: false, error: { name: 'ConfigError', message: expect.stringMatching(message) } });
    const logged = invocation.lines.map((line) => JSON.parse(line) as { level?: string; error?: { field?: string } }).find((line) => line.level === 'error');
    expect(logged?.error?.field).toBe(field);
    expect(emulator.log.entries).toEqual([]);
  });
});
