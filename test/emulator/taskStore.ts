import { createHash } from 'node:crypto';
import { prepareDetail } from './taskViews.js';
import type { DbUseType, EmulatorProject, EmulatorTask, EmulatorTaskSeed } from './types.js';

const DB_USE_TYPES: ReadonlySet<string> = new Set<DbUseType>(['migration', 'sync', 'cloudDataGuard']);

/** Result of looking a task id up within one project. */
export type TaskLookup = { kind: 'found'; task: EmulatorTask } | { kind: 'deleted' } | { kind: 'missing' };

/** A password that looks like a real database password, stable per task so tests can search for it. */
function dbPassword(id: string, side: string): string {
  const digest = createHash('sha256').update(`${side}:${id}`).digest('base64url').slice(0, 14);
  return `Db#${digest}!9`;
}

/** All emulated DRS tasks; handlers read and change the records, tests get snapshots. */
export class TaskStore {
  #tasks = new Map<string, EmulatorTask>();
  // parent id → child ids, so a retry does not scan every task (it did: O(N) per retried job).
  #children = new Map<string, Set<string>>();
  readonly #leftOut = new Set<string>();
  readonly #projects: ReadonlyMap<string, EmulatorProject>;
  readonly #defaultProjectId: string;
  // Seeds get creation times one hour apart, newest first, so listings read like the doc example.
  readonly #epoch: number;

  constructor(projects: ReadonlyMap<string, EmulatorProject>, defaultProjectId: string, now: () => number) {
    this.#projects = projects;
    this.#defaultProjectId = defaultProjectId;
    this.#epoch = now() - 24 * 60 * 60 * 1000;
  }

  add(seed: EmulatorTaskSeed): EmulatorTask {
    if (typeof seed.id !== 'string' || seed.id === '') throw new TypeError('Expected task `id` to be a non-empty string');
    if (this.#tasks.has(seed.id)) throw new TypeError(`Task ${seed.id} already exists`);
    if (typeof seed.status !== 'string' || seed.status === '') throw new TypeError('Expected task `status` to be a non-empty string');
    const projectId = seed.projectId ?? this.#defaultProjectId;
    if (!this.#projects.has(projectId)) throw new TypeError(`Task ${seed.id}: unknown project ${projectId}; add it to \`projects\``);
    const dbUseType = seed.dbUseType ?? 'migration';
    if (!DB_USE_TYPES.has(dbUseType)) throw new TypeError(`Task ${seed.id}: \`dbUseType\` must be migration, sync or cloudDataGuard`);
    const busy = seed.busy ?? 0;
    if (!(Number.isInteger(busy) && busy >= 0)) throw new TypeError(`Task ${seed.id}: \`busy\` must be an integer from 0 and up`);
    const task: EmulatorTask = {
      id: seed.id,
      projectId,
      name: seed.name ?? `DRS-${String(this.#tasks.size + 1).padStart(4, '0')}`,
      status: seed.status,
      dbUseType,
      engineType: seed.engineType ?? (dbUseType === 'cloudDataGuard' ? 'cloudDataGuard-mysql' : 'mysql'),
      errorCode: seed.errorCode,
      errorMessage: seed.errorMessage,
      multiWrite: seed.multiWrite ?? false,
      parentId: seed.parentId,
      masterJobId: seed.masterJobId,
      busy,
      deleted: false,
      createdAt: this.#epoch - this.#tasks.size * 60 * 60 * 1000,
      sourceDbPassword: dbPassword(seed.id, 'source'),
      targetDbPassword: dbPassword(seed.id, 'target'),
      retries: [],
    };
    this.#tasks.set(task.id, task);
    // Seeding pays for the detail view's hashes, not the request that first shows the task.
    prepareDetail(task);
    if (task.parentId !== undefined) {
      const siblings = this.#children.get(task.parentId) ?? new Set<string>();
      siblings.add(task.id);
      this.#children.set(task.parentId, siblings);
    }
    return snapshot(task);
  }

  snapshot(id: string): EmulatorTask | undefined {
    const task = this.#tasks.get(id);
    return task && snapshot(task);
  }

  setStatus(id: string, status: string): void {
    const task = this.#require(id);
    task.status = status;
    // A task that is running again has no failure to report.
    if (!status.endsWith('_FAILED')) {
      task.errorCode = undefined;
      task.errorMessage = undefined;
    }
  }

  delete(id: string): void {
    this.#require(id).deleted = true;
  }

  /** Live (not deleted) tasks in creation order, as snapshots. */
  list(projectId?: string): EmulatorTask[] {
    return this.live(projectId).map(snapshot);
  }

  /** Live task records for handlers (mutable). */
  live(projectId?: string): EmulatorTask[] {
    return [...this.#tasks.values()].filter((t) => !t.deleted && (projectId === undefined || t.projectId === projectId));
  }

  /** A task of another project is as unknown as a missing one: ids are not shared across projects. */
  /**
   * From now on, batch-detail answers without these ids, known tasks or not: the doc does not
   * say what DRS answers for an id it cannot report (querying_task_details_in_batches.rst shows
   * only found tasks), and issue 20 saw ids it never returns.
   */
  leaveOutOfDetail(ids: readonly string[]): void {
    for (const id of ids) this.#leftOut.add(id);
  }

  isLeftOutOfDetail(id: string): boolean {
    return this.#leftOut.has(id);
  }

  lookup(projectId: string, id: string): TaskLookup {
    const task = this.#tasks.get(id);
    if (task === undefined || task.projectId !== projectId) return { kind: 'missing' };
    return task.deleted ? { kind: 'deleted' } : { kind: 'found', task };
  }

  childrenOf(parent: EmulatorTask): EmulatorTask[] {
    const ids = [...(this.#children.get(parent.id) ?? [])];
    return ids.map((id) => this.#tasks.get(id)).filter((t): t is EmulatorTask => t !== undefined && !t.deleted && t.projectId === parent.projectId);
  }

  /** A dual-active parent: multi-write without a parent of its own, or named as parent by another task. */
  isDualActiveParent(task: EmulatorTask): boolean {
    return (task.multiWrite && task.parentId === undefined) || this.childrenOf(task).length > 0;
  }

  #require(id: string): EmulatorTask {
    const task = this.#tasks.get(id);
    if (task === undefined) throw new TypeError(`Unknown task ${id}`);
    return task;
  }
}

function snapshot(task: EmulatorTask): EmulatorTask {
  return { ...task, retries: task.retries.map((r) => ({ ...r })) };
}
