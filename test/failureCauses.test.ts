import { describe, expect, it } from 'vitest';
import { classifyWithCause } from '../lib/core/causeDecision.js';
import { buildCauseRules, DEFAULT_RULES, matchCause, ruleOrder } from '../lib/core/causeRuleSet.js';
import { DEFAULT_CAUSE_RULES, docOf, UNKNOWN_CAUSE } from '../lib/core/failureCauses.js';
import type { ObservedTask } from '../lib/core/outcomes.js';
import { DOCS_TEXTS, drsText as drs, LIST_EXAMPLE, UNKNOWN_TEXTS } from './fixtures/drsFailureTexts.js';

/** What the reference table says each rule needs: `retry` or `person`. */
const REFERENCE_DEFAULT: Record<string, 'retry' | 'person'> = {
  'dbms-unreachable': 'retry', 'link-failure': 'retry', 'master-disconnected': 'retry', 'core-process': 'retry',
  'shard-split': 'retry', 'server-uuid': 'retry', 'lock-wait': 'retry',
  'disk-full': 'person', 'access-denied': 'person', 'super-privilege': 'person', 'force-recovery': 'person', 'ssl-write': 'person',
  'file-damaged': 'person', 'table-missing': 'person', 'table-exists': 'person', 'offset-mismatch': 'person', 'row-image': 'person',
  'no-primary-key': 'person', 'sql-syntax': 'person', 'binlog-parse': 'person', heap: 'person', 'duplicate-key': 'person',
  'must-seek': 'person', 'binlog-purged': 'person',
};

const RETRY = new Set(['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED']);
const task = (status: string, extra: Partial<ObservedTask> = {}): ObservedTask => ({ id: 'job-1', status, isDualActiveParent: false, ...extra });

describe('the default rules', () => {
  it('are the reference table: the same ids, in its order, with its retry or person default', () => {
    expect(DEFAULT_CAUSE_RULES.map((rule) => rule.id)).toEqual(Object.keys(REFERENCE_DEFAULT));
    for (const rule of DEFAULT_CAUSE_RULES) expect(rule.retry ? 'retry' : 'person').toBe(REFERENCE_DEFAULT[rule.id]);
  });

  it('each have a test text, one sentence of hint and a source', () => {
    for (const rule of DEFAULT_CAUSE_RULES) {
      expect(DOCS_TEXTS[rule.id], rule.id).toBeDefined();
      expect(rule.hint).toMatch(/^[A-Z].*[.]$/);
      expect(rule.hint.split(/[.!?](?:\s|$)/).filter(Boolean)).toHaveLength(1);
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(rule.match.length + rule.pattern.length).toBeGreaterThan(0);
    }
  });

  it.each(Object.entries(DOCS_TEXTS).flatMap(([id, texts]) => texts.map((text) => [id, text] as const)))(
    '%s matches the docs text %j',
    (id, text) => {
      const cause = matchCause(text);
      expect(cause.id).toBe(id);
      expect(cause.retry).toBe(REFERENCE_DEFAULT[id] === 'retry');
    },
  );

  it('match every piece the reference names, in any case', () => {
    for (const rule of DEFAULT_CAUSE_RULES) {
      for (const piece of rule.match) {
        expect(matchCause(drs('INCREMENT', piece.toUpperCase())).id, piece).toBe(rule.id);
        expect(matchCause(drs('INCREMENT', piece.toLowerCase())).id, piece).toBe(rule.id);
      }
    }
  });

  it('link the troubleshooting pages the reference names (T: intl, E: EU, C: Chinese site); MySQL-only sources have no link', () => {
    const doc = (id: string) => docOf(DEFAULT_CAUSE_RULES.find((rule) => rule.id === id) ?? { sources: [] });
    expect(doc('disk-full')).toBe('https://support.huaweicloud.com/intl/en-us/trouble-drs/drs_13_0018.html');
    expect(doc('duplicate-key')).toBe('https://support.huaweicloud.com/eu/trouble-drs/drs_13_0058.html');
    expect(doc('table-exists')).toBe('https://support.huaweicloud.com/trouble-drs/drs_13_0068.html');
    expect(doc('lock-wait')).toBeUndefined();
    expect(matchCause(drs('INCREMENT', "Duplicate entry '1' for key 'PRIMARY'")).doc).toBe(doc('duplicate-key'));
    expect(matchCause(drs('INCREMENT', 'Lock wait timeout exceeded'))).not.toHaveProperty('doc');
  });

  it('need the words the docs put before "failed: null" and "already exists"', () => {
    expect(matchCause(drs('INCREMENT', 'read table `db1`.`t` failed: null')).id).toBe('unknown');
    expect(matchCause(drs('INCREMENT', 'failed: null')).id).toBe('unknown');
    expect(matchCause(drs('INCREMENT', "Database 'db1' already exists")).id).toBe('unknown');
    expect(matchCause(drs('INCREMENT', 'Table `shop`.`orders` already exists')).id).toBe('table-exists');
  });

  it('put the cause that needs a person before a transient symptom in the same text', () => {
    const nested = drs('LOGMANAGER', "Unable to connect to DBMS: url=jdbc:mysql://10.0.0.5:3306 user=root, Access denied for user 'root'@'10.0.0.9' (using password: YES)");
    expect(matchCause(nested)).toMatchObject({ id: 'access-denied', retry: false });
    expect(matchCause(drs('INCREMENT', 'Communications link failure while writing: No space left on device')).id).toBe('disk-full');
    const order = ruleOrder(DEFAULT_RULES);
    const firstRetry = order.findIndex((id) => REFERENCE_DEFAULT[id] === 'retry');
    expect(order.slice(firstRetry).every((id) => REFERENCE_DEFAULT[id] === 'retry')).toBe(true);
  });
});

describe('unknown causes', () => {
  it('are `unknown`, retried, with a hint that says so', () => {
    for (const text of [drs('INCREMENT', 'something DRS never said before'), UNKNOWN_TEXTS.transient, UNKNOWN_TEXTS.persistent, '', '   ', undefined]) {
      expect(matchCause(text)).toEqual(UNKNOWN_CAUSE);
    }
    expect(UNKNOWN_CAUSE).toMatchObject({ id: 'unknown', retry: true });
    expect(UNKNOWN_CAUSE.hint).toMatch(/not recognised/);
  });

  it('are retried as the status allows, and the report says unknown', () => {
    const text = drs('INCREMENT', 'java.lang.IllegalStateException: queue closed');
    expect(classifyWithCause(task('INCRE_TRANSFER_FAILED'), RETRY, text)).toEqual({
      action: 'retry',
      fields: { failureReason: text, cause: UNKNOWN_CAUSE },
    });
    expect(classifyWithCause(task('FULL_TRANSFER_FAILED'), RETRY, undefined)).toEqual({ action: 'retry', fields: { cause: UNKNOWN_CAUSE } });
  });
});

describe('status first, then the cause', () => {
  it('never retries a duplicate key, whatever the retryable status', () => {
    for (const status of ['INCRE_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED']) {
      const decision = classifyWithCause(task(status, { errorCode: 'DRS.M00001' }), RETRY, drs('INCREMENT', "Duplicate entry '1001' for key 'PRIMARY'"));
      expect(decision).toMatchObject({
        action: 'settle',
        outcome: { outcome: 'needs_attention', status, errorCode: 'DRS.M00001', cause: { id: 'duplicate-key', retry: false } },
      });
      expect(decision.action === 'settle' && decision.outcome.reason).toMatch(/duplicate-key needs a person/);
      expect(decision.action === 'settle' && decision.outcome.cause?.hint).toMatch(/recreate the task/);
    }
  });

  it('retries "Unable to connect to DBMS" (the docs list example)', () => {
    const decision = classifyWithCause(task('INCRE_TRANSFER_FAILED'), RETRY, LIST_EXAMPLE);
    expect(decision).toMatchObject({ action: 'retry', fields: { cause: { id: 'dbms-unreachable', retry: true } } });
  });

  it('gives a job its status settled no unknown cause: its hint speaks of a resume that never comes', () => {
    const decision = classifyWithCause(task('CREATE_FAILED'), RETRY, 'Failed to create instance!');
    expect(decision).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention', failureReason: 'Failed to create instance!' } });
    expect(decision.action === 'settle' && 'cause' in decision.outcome).toBe(false);
  });

  it('never makes a status retryable that is not: the cause is reported, the status decides', () => {
    const create = classifyWithCause(task('CREATE_FAILED'), RETRY, LIST_EXAMPLE);
    expect(create).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention', status: 'CREATE_FAILED', cause: { id: 'dbms-unreachable' } } });
    expect(create.action === 'settle' && create.outcome.reason).toMatch(/must never be retried/);
    const notConfigured = classifyWithCause(task('START_JOB_FAILED'), RETRY, LIST_EXAMPLE);
    expect(notConfigured).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention', status: 'START_JOB_FAILED' } });
    // Even an operator's rule that retries everything it knows cannot retry CREATE_FAILED.
    const lenient = buildCauseRules([{ id: 'duplicate-key', retry: true }]);
    expect(classifyWithCause(task('CREATE_FAILED'), RETRY, drs('INCREMENT', 'Duplicate entry'), lenient)).toMatchObject({
      action: 'settle', outcome: { outcome: 'needs_attention' },
    });
  });

  it('gives no cause to a task that is not failed (its old text says nothing about now)', () => {
    const decision = classifyWithCause(task('INCRE_TRANSFER_STARTED'), RETRY, drs('INCREMENT', 'Duplicate entry'));
    expect(decision).toEqual({ action: 'settle', outcome: { outcome: 'skipped', status: 'INCRE_TRANSFER_STARTED', reason: 'not in a failed status' } });
    expect(classifyWithCause(undefined, RETRY, 'Duplicate entry')).toMatchObject({ action: 'settle', outcome: { outcome: 'not_found' } });
  });

  it('masks the database password in the failure reason it reports', () => {
    const text = drs('LOGMANAGER', 'Unable to connect to DBMS: url=jdbc:mysql://10.1.2.3:3306?user=drs&password=S3cr3t!Pw&useSSL=false user=drs');
    const decision = classifyWithCause(task('INCRE_TRANSFER_FAILED'), RETRY, text);
    expect(JSON.stringify(decision)).not.toContain('S3cr3t!Pw');
    expect(decision).toMatchObject({ action: 'retry', fields: { failureReason: expect.stringContaining('password=***&useSSL=false') } });
  });
});

describe('operator rules merged over the defaults', () => {
  it('turn a default rule off or on, and go first', () => {
    const rules = buildCauseRules([{ id: 'lock-wait', retry: false, hint: 'Find the long transaction on the destination, then resume.' }, { id: 'duplicate-key', retry: true }]);
    expect(ruleOrder(rules).slice(0, 2)).toEqual(['lock-wait', 'duplicate-key']);
    expect(matchCause(drs('INCREMENT', 'Lock wait timeout exceeded'), rules)).toMatchObject({ id: 'lock-wait', retry: false, hint: /long transaction/ });
    expect(matchCause(drs('INCREMENT', "Duplicate entry '7' for key 'PRIMARY'"), rules)).toMatchObject({ id: 'duplicate-key', retry: true, hint: /recreate/ });
    expect(ruleOrder(rules)).toHaveLength(DEFAULT_CAUSE_RULES.length);
  });

  it('add rules that win over the defaults, in the order written', () => {
    const rules = buildCauseRules([
      { id: 'our-proxy', match: ['proxy-17 refused'], retry: true, hint: 'Our proxy restarts nightly.' },
      { id: 'our-proxy-broad', pattern: ['proxy-\\d+'], retry: false, hint: 'Call the network team.', doc: 'https://wiki.example.com/proxy' },
    ]);
    expect(ruleOrder(rules).slice(0, 2)).toEqual(['our-proxy', 'our-proxy-broad']);
    expect(matchCause(drs('LOGMANAGER', 'Unable to connect to DBMS via proxy-17 refused'), rules).id).toBe('our-proxy');
    expect(matchCause(drs('LOGMANAGER', 'Unable to connect to DBMS via proxy-18'), rules)).toEqual({
      id: 'our-proxy-broad', retry: false, hint: 'Call the network team.', doc: 'https://wiki.example.com/proxy',
    });
    expect(matchCause(LIST_EXAMPLE, rules).id).toBe('dbms-unreachable');
  });

  it('change what matches no rule', () => {
    const rules = buildCauseRules([{ id: 'unknown', retry: false, hint: 'Unrecognised: page the DBA on call.' }]);
    const decision = classifyWithCause(task('INCRE_TRANSFER_FAILED'), RETRY, drs('INCREMENT', 'brand new failure'), rules);
    expect(decision).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention', cause: { id: 'unknown', retry: false, hint: /page the DBA/ } } });
    expect(matchCause(LIST_EXAMPLE, rules).id).toBe('dbms-unreachable');
  });

  it('replace a default rule\'s match, keeping its hint and doc', () => {
    const rules = buildCauseRules([{ id: 'heap', match: ['GC overhead limit exceeded'] }]);
    expect(matchCause(drs('DATAMOVE', 'java.lang.OutOfMemoryError: GC overhead limit exceeded'), rules)).toMatchObject({
      id: 'heap', retry: false, doc: 'https://support.huaweicloud.com/intl/en-us/trouble-drs/drs_13_0027.html',
    });
    expect(matchCause(drs('DATAMOVE', 'Java heap space'), rules).id).toBe('unknown');
  });

  it('leave the defaults alone when there are none', () => {
    expect(ruleOrder(buildCauseRules([]))).toEqual(ruleOrder(DEFAULT_RULES));
  });

  it('refuse what cannot be a rule (the input layer words it for people)', () => {
    expect(() => buildCauseRules([{ id: 'x', retry: true }, { id: 'x', retry: false }])).toThrow(TypeError);
    expect(() => buildCauseRules([{ id: 'new', match: ['abc'] }])).toThrow(/match or pattern, retry and hint/);
    expect(() => buildCauseRules([{ id: 'unknown', match: ['abc'] }])).toThrow(TypeError);
    expect(() => buildCauseRules([{ id: 'bad', pattern: ['('], retry: true, hint: 'h' }])).toThrow(SyntaxError);
  });
});
