import { describe, expect, it } from 'vitest';
import type { Outcome } from '../lib/core/outcomes.js';
import { planNotification, REMINDER_INTERVAL_MS, toldAfter, type JobVerdict, type ToldRecord } from '../lib/core/notifyMemory.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-12-01T03:00:00Z');

const job = (jobId: string, outcome: Outcome, cause?: string): JobVerdict => ({ jobId, outcome, ...(cause === undefined ? {} : { cause: { id: cause } }) });

/**
 * A scheduled run every 15 minutes against one stored memory, as the wiring will do it: plan,
 * deliver (or fail to), store what toldAfter() says. The clock is the test's.
 */
class Memory {
  told: ToldRecord[] = [];
  sent: Array<{ at: number; reason: string; fresh: string[]; reminders: string[] }> = [];

  run(now: number, jobs: JobVerdict[], { runError = false, delivered = true } = {}) {
    const plan = planNotification({ jobs, runError, told: this.told, now });
    if (plan.send) {
      this.sent.push({ at: now, reason: plan.reason, fresh: plan.fresh.map((p) => p.jobId), reminders: plan.reminders.map((p) => p.jobId) });
    }
    this.told = toldAfter(this.told, plan, delivered);
    return plan;
  }
}

describe('tell once', () => {
  it('three runs over the same stuck task send one message', () => {
    const memory = new Memory();
    const jobs = [job('a', 'needs_attention', 'disk-full'), job('b', 'skipped')];
    for (let i = 0; i < 3; i++) memory.run(T0 + i * 15 * MINUTE, jobs);
    expect(memory.sent).toEqual([{ at: T0, reason: 'new-problem', fresh: ['a'], reminders: [] }]);
    expect(memory.told).toEqual([{ jobId: 'a', outcome: 'needs_attention', causeId: 'disk-full', firstToldAt: T0, lastToldAt: T0 }]);
  });

  it('a new stuck task is sent at once, alone among the old ones', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const plan = memory.run(T0 + 15 * MINUTE, [job('a', 'needs_attention', 'disk-full'), job('c', 'needs_attention', 'duplicate-key')]);
    expect(plan).toMatchObject({ send: true, reason: 'new-problem', fresh: [{ jobId: 'c', causeId: 'duplicate-key' }], unchanged: [{ jobId: 'a' }] });
    expect(memory.sent).toHaveLength(2);
  });

  it('a changed problem (another cause or outcome of the same job) is new, and the old record goes', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const plan = memory.run(T0 + 15 * MINUTE, [job('a', 'needs_attention', 'access-denied')]);
    expect(plan).toMatchObject({ send: true, fresh: [{ jobId: 'a', causeId: 'access-denied' }], drop: [{ jobId: 'a', causeId: 'disk-full' }] });
    expect(memory.told.map((r) => r.causeId)).toEqual(['access-denied']);
    expect(memory.run(T0 + 30 * MINUTE, [job('a', 'not_found')])).toMatchObject({ send: true, fresh: [{ jobId: 'a', outcome: 'not_found', causeId: '' }] });
  });

  it('open problems are reminded once a day, in one digest', () => {
    const memory = new Memory();
    const jobs = [job('a', 'needs_attention', 'disk-full'), job('b', 'needs_attention', 'heap')];
    for (let t = T0; t <= T0 + 2 * REMINDER_INTERVAL_MS; t += 15 * MINUTE) memory.run(t, jobs);
    expect(memory.sent).toEqual([
      { at: T0, reason: 'new-problem', fresh: ['a', 'b'], reminders: [] },
      { at: T0 + REMINDER_INTERVAL_MS, reason: 'reminder', fresh: [], reminders: ['a', 'b'] },
      { at: T0 + 2 * REMINDER_INTERVAL_MS, reason: 'reminder', fresh: [], reminders: ['a', 'b'] },
    ]);
    expect(memory.told[0]).toMatchObject({ firstToldAt: T0, lastToldAt: T0 + 2 * REMINDER_INTERVAL_MS });
  });

  it('a reminder not yet due stays quiet even when a new problem goes out', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const plan = memory.run(T0 + 20 * HOUR, [job('a', 'needs_attention', 'disk-full'), job('b', 'retry_failed')]);
    expect(plan).toMatchObject({ fresh: [{ jobId: 'b' }], reminders: [], unchanged: [{ jobId: 'a' }] });
  });

  it('one digest a day: problems told at different hours are reminded together, and start their day again', () => {
    const memory = new Memory();
    const both = [job('a', 'needs_attention', 'disk-full'), job('b', 'retry_failed')];
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    for (let t = T0 + 20 * HOUR; t <= T0 + 3 * REMINDER_INTERVAL_MS; t += 15 * MINUTE) memory.run(t, both);
    // "b", told at 20 h, joins "a"'s digest at 24 h instead of getting one of its own at 44 h.
    expect(memory.sent).toEqual([
      { at: T0, reason: 'new-problem', fresh: ['a'], reminders: [] },
      { at: T0 + 20 * HOUR, reason: 'new-problem', fresh: ['b'], reminders: [] },
      { at: T0 + 24 * HOUR, reason: 'reminder', fresh: [], reminders: ['a', 'b'] },
      { at: T0 + 48 * HOUR, reason: 'reminder', fresh: [], reminders: ['a', 'b'] },
      { at: T0 + 72 * HOUR, reason: 'reminder', fresh: [], reminders: ['a', 'b'] },
    ]);
    expect(memory.told.map((r) => [r.jobId, r.firstToldAt, r.lastToldAt])).toEqual([
      ['a', T0, T0 + 72 * HOUR],
      ['b', T0 + 20 * HOUR, T0 + 72 * HOUR],
    ]);
  });

  it('a digest that falls due with a new problem goes in the same message', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const plan = memory.run(T0 + 25 * HOUR, [job('a', 'needs_attention', 'disk-full'), job('c', 'not_found')]);
    expect(plan).toMatchObject({ send: true, reason: 'new-problem', fresh: [{ jobId: 'c' }], reminders: [{ jobId: 'a' }], unchanged: [] });
    expect(memory.sent).toHaveLength(2);
  });

  it('a sink that failed does not count as told: the next run sends again', () => {
    const memory = new Memory();
    const jobs = [job('a', 'needs_attention', 'disk-full')];
    memory.run(T0, jobs, { delivered: false });
    expect(memory.told).toEqual([]);
    memory.run(T0 + 15 * MINUTE, jobs);
    memory.run(T0 + 30 * MINUTE, jobs);
    expect(memory.sent.map((s) => [s.at, s.reason])).toEqual([[T0, 'new-problem'], [T0 + 15 * MINUTE, 'new-problem']]);
    // A failed reminder is repeated by the next run too.
    memory.run(T0 + 15 * MINUTE + REMINDER_INTERVAL_MS, jobs, { delivered: false });
    memory.run(T0 + 30 * MINUTE + REMINDER_INTERVAL_MS, jobs);
    expect(memory.sent.slice(2).map((s) => s.reason)).toEqual(['reminder', 'reminder']);
    expect(memory.told[0]?.lastToldAt).toBe(T0 + 30 * MINUTE + REMINDER_INTERVAL_MS);
  });

  it('a run error is sent at once, every time, and leaves what it could not look at as it was', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const failed = [job('a', 'deferred')];
    const first = memory.run(T0 + 15 * MINUTE, failed, { runError: true });
    const second = memory.run(T0 + 30 * MINUTE, failed, { runError: true });
    expect([first.send, first.reason, second.send, second.reason]).toEqual([true, 'run-error', true, 'run-error']);
    expect(first.fresh).toEqual([]);
    expect(memory.told).toHaveLength(1);
    // Back to normal: the stuck task was told before the outage, so it stays quiet.
    expect(memory.run(T0 + 45 * MINUTE, [job('a', 'needs_attention', 'disk-full')])).toMatchObject({ send: false, reason: 'unchanged' });
  });

  it('forgets a problem that went away, so its return is new', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    const healed = memory.run(T0 + 15 * MINUTE, [job('a', 'skipped')]);
    expect(healed).toMatchObject({ send: false, reason: 'no-problem', drop: [{ jobId: 'a' }] });
    expect(memory.told).toEqual([]);
    expect(memory.run(T0 + 30 * MINUTE, [job('a', 'needs_attention', 'disk-full')])).toMatchObject({ send: true, reason: 'new-problem' });
  });

  it('keeps a job\'s record while its retry is out, so retried/deferred alternation is one problem', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'deferred', 'link-failure')]);
    memory.run(T0 + 15 * MINUTE, [job('a', 'retried', 'link-failure')]);
    expect(memory.told).toHaveLength(1);
    expect(memory.run(T0 + 30 * MINUTE, [job('a', 'deferred', 'link-failure')])).toMatchObject({ send: false, reason: 'unchanged' });
  });

  it('keeps the records of jobs this run did not look at (a run for other job ids)', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full')]);
    memory.run(T0 + 5 * MINUTE, [job('z', 'skipped')]);
    expect(memory.told.map((r) => r.jobId)).toEqual(['a']);
  });

  it('a deferred job keeps what was told (a run that lost the lease, or ran out of time), and stays quiet', () => {
    const memory = new Memory();
    memory.run(T0, [job('a', 'needs_attention', 'disk-full'), job('b', 'retry_failed')]);
    const lostLease = memory.run(T0 + 15 * MINUTE, [job('a', 'deferred'), job('b', 'deferred')]);
    expect(lostLease).toMatchObject({ send: false, reason: 'unchanged', fresh: [], drop: [] });
    expect(memory.run(T0 + 30 * MINUTE, [job('a', 'needs_attention', 'disk-full'), job('b', 'retry_failed')])).toMatchObject({ send: false });
    // Still open while deferred: the daily digest names it.
    expect(memory.run(T0 + REMINDER_INTERVAL_MS, [job('a', 'deferred'), job('b', 'retry_failed')])).toMatchObject({
      send: true, reason: 'reminder', reminders: [{ jobId: 'a', outcome: 'needs_attention', causeId: 'disk-full' }, { jobId: 'b' }],
    });
    expect(memory.sent).toHaveLength(2);
  });

  it('a deferral nobody was told of is a new problem', () => {
    const memory = new Memory();
    expect(memory.run(T0, [job('a', 'deferred')])).toMatchObject({ send: true, reason: 'new-problem', fresh: [{ jobId: 'a', outcome: 'deferred' }] });
    expect(memory.run(T0 + 15 * MINUTE, [job('a', 'deferred')])).toMatchObject({ send: false, reason: 'unchanged' });
  });

  it('sends nothing when nothing is wrong, and counts a job listed twice once', () => {
    expect(planNotification({ jobs: [job('a', 'retried'), job('b', 'skipped')], runError: false, told: [], now: T0 })).toMatchObject({ send: false, reason: 'no-problem' });
    const twice = planNotification({ jobs: [job('a', 'retry_failed'), job('a', 'retry_failed')], runError: false, told: [], now: T0 });
    expect(twice.fresh).toHaveLength(1);
    expect(twice.toldOnDelivery).toHaveLength(1);
  });

  it('takes a shorter reminder interval, and never reminds early when the clock went back', () => {
    const told: ToldRecord[] = [{ jobId: 'a', outcome: 'needs_attention', causeId: 'heap', firstToldAt: T0, lastToldAt: T0 }];
    const jobs = [job('a', 'needs_attention', 'heap')];
    expect(planNotification({ jobs, runError: false, told, now: T0 + HOUR, reminderIntervalMs: HOUR }).reason).toBe('reminder');
    expect(planNotification({ jobs, runError: false, told, now: T0 - HOUR }).reason).toBe('unchanged');
  });
});
