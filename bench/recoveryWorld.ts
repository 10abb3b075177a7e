/**
 * The world of the recovery benchmark (bench/recovery.ts): 200 DRS tasks that fail now and then,
 * for causes drawn from the failure-cause table, with DRS's own three resumes in front. Every draw
 * comes from a seeded generator keyed by task and incident number, so each policy meets the same
 * failures of the same tasks, whatever it did before.
 */
import { DEFAULT_CAUSE_RULES } from '../lib/core/failureCauses.js';
import { DOCS_TEXTS, UNKNOWN_TEXTS } from '../test/fixtures/drsFailureTexts.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The fake clock's first run. */
export const SIMULATION_START = Date.parse('2026-11-01T00:00:00Z');

/** One kind of failure the world draws. */
export interface CauseKind {
  /** The rule id, or `unknown-transient` / `unknown-persistent`. */
  key: string;
  texts: readonly string[];
  /** `transient`: a resume heals it once the outside problem is over; `person`: no resume ever does. */
  heals: 'transient' | 'person';
  /** A rule of the default table knows it. */
  documented: boolean;
  weight: number;
}

/**
 * How often each cause fails a task, per 100 raw failures. The transient ones are the common case
 * (a network blip, a switchover); after DRS's own resumes have healed the short ones, about 60 % of
 * what the tool sees is still healable by a resume, as the issue asks.
 */
const WEIGHTS: Record<string, number> = {
  'dbms-unreachable': 16, 'link-failure': 12, 'master-disconnected': 6, 'core-process': 5, 'shard-split': 4,
  'server-uuid': 4, 'lock-wait': 6,
  'disk-full': 5, 'access-denied': 4, 'duplicate-key': 4, 'binlog-purged': 3, 'super-privilege': 2, 'table-missing': 2,
  'table-exists': 2, 'no-primary-key': 2, 'sql-syntax': 1, heap: 1, 'force-recovery': 1, 'ssl-write': 1, 'file-damaged': 1,
  'offset-mismatch': 1, 'row-image': 1, 'binlog-parse': 1, 'must-seek': 1,
};

export const CAUSE_KINDS: readonly CauseKind[] = [
  ...DEFAULT_CAUSE_RULES.map((rule): CauseKind => ({
    key: rule.id,
    texts: DOCS_TEXTS[rule.id] ?? [],
    heals: rule.retry ? 'transient' : 'person',
    documented: true,
    weight: WEIGHTS[rule.id] ?? 1,
  })),
  { key: 'unknown-transient', texts: [UNKNOWN_TEXTS.transient], heals: 'transient', documented: false, weight: 8 },
  { key: 'unknown-persistent', texts: [UNKNOWN_TEXTS.persistent], heals: 'person', documented: false, weight: 4 },
];

/** The shape of the world; the defaults are the issue's. */
export interface WorldShape {
  tasks: number;
  days: number;
  /** The schedule: a run every this many ms. */
  intervalMs: number;
  seed: number;
  /** Mean time a healthy task runs before its next failure. */
  meanTimeBetweenFailuresMs: number;
  /** Mean time the outside problem of a transient failure lasts. */
  meanTransientMs: number;
  /** DRS resumes a failed task three times by itself within this window before it shows failed. */
  drsResumeWindowMs: number;
  /** A person acts between these times after being told. */
  personResponseMs: [number, number];
  /** Share of messages a sink fails to deliver (the next run must send again). */
  sinkFailureRate: number;
}

export const DEFAULT_WORLD: WorldShape = {
  tasks: 200,
  days: 30,
  intervalMs: 15 * MINUTE,
  seed: 19,
  meanTimeBetweenFailuresMs: 5 * DAY,
  meanTransientMs: 40 * MINUTE,
  drsResumeWindowMs: 5 * MINUTE,
  personResponseMs: [30 * MINUTE, 4 * HOUR],
  sinkFailureRate: 0.02,
};

/** mulberry32: small, fast, and the same numbers on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;

/** What one failure of one task is, drawn before any policy acts. */
export interface FailureDraw {
  /** Healthy running time before this failure, after the previous one closed. */
  gapMs: number;
  cause: CauseKind;
  text: string;
  status: 'INCRE_TRANSFER_FAILED' | 'FULL_TRANSFER_FAILED';
  /** How long the outside problem lasts (transient causes). */
  transientMs: number;
  /** How long the person takes once told. */
  responseMs: number;
}

const TOTAL_WEIGHT = CAUSE_KINDS.reduce((sum, kind) => sum + kind.weight, 0);

/** The `index`-th failure of task `task`: the same in every policy. */
export function drawFailure(world: WorldShape, task: number, index: number): FailureDraw {
  const random = seededRandom(world.seed ^ Math.imul(task + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77));
  const gapMs = exponential(random, world.meanTimeBetweenFailuresMs);
  let pick = random() * TOTAL_WEIGHT;
  const cause = CAUSE_KINDS.find((kind) => (pick -= kind.weight) < 0) ?? CAUSE_KINDS[0]!;
  const text = cause.texts[Math.floor(random() * cause.texts.length)] ?? '';
  const status = random() < 0.8 ? 'INCRE_TRANSFER_FAILED' : 'FULL_TRANSFER_FAILED';
  const transientMs = exponential(random, world.meanTransientMs);
  const [low, high] = world.personResponseMs;
  return { gapMs, cause, text, status, transientMs, responseMs: low + random() * (high - low) };
}
