import { DEFAULT_PROJECT } from './defaults.js';
import type { DbUseType, Emulator, EmulatorTaskSeed } from './types.js';

/** A realistic mixed project for demos and the standalone emulator. */

/** What a retry tool is expected to make of a demo job. */
export type DemoCategory =
  | 'retryable'
  | 'healthy'
  | 'needs-attention'
  | 'skip'
  | 'busy'
  | 'dual-active-parent'
  | 'dual-active-child';

/** One seeded job, with the reason it is in the demo. */
export interface DemoJob {
  key: string;
  id: string;
  name: string;
  dbUseType: DbUseType;
  /** The list API's `engine_type` (mysql, postgresql, mongodb, mysql-to-taurus, cloudDataGuard-mysql). */
  engineType: string;
  status: string;
  /** Set on a dual-active child: its parent's id. */
  parentId?: string;
  category: DemoCategory;
  note: string;
}

const DR_PARENT = 'b5e1f8c3-7a06-4d29-9f3b-1c4d76ajb101';
// DRS's failure texts are `service <COMPONENT> failed, cause by: <database or DRS message>`, as in
// the list page's example (querying_tasks_of_a_tenant.rst:353); the causes are rows of
// reference/drs-failure-causes.md that heal by themselves, so every retryable demo job stays retryable.
const LINK_FAILURE = 'service LOGMANAGER failed, cause by: Communications link failure. The last packet sent successfully to the server was 0 milliseconds ago.';
const LOCK_WAIT = 'service LOGMANAGER failed, cause by: Lock wait timeout exceeded; try restarting transaction';
const unreachable = (url: string, user: string): string => `service LOGMANAGER failed, cause by: Unable to connect to DBMS: url=${url} user=${user}`;

type DemoSeed = EmulatorTaskSeed & { key: string; name: string; category: DemoCategory; note: string };

const SEEDS: readonly DemoSeed[] = [
  { key: 'fullTransferFailed', id: '3f1c9a52-7d4e-4b8a-9e21-5c6d0a1jb101', name: 'DRS-orders-migration', status: 'FULL_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LOCK_WAIT, category: 'retryable', note: 'full migration failed; safe to retry' },
  { key: 'increTransferFailed', id: 'a7e2c419-0b3d-4f6e-8a15-92d4e7cjb101', name: 'DRS-billing-migration', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, category: 'retryable', note: 'incremental migration failed; safe to retry' },
  { key: 'healthyIncre', id: '5b90d3e8-61fa-4c27-b3d8-0e7a4f2jb101', name: 'DRS-crm-migration', status: 'INCRE_TRANSFER_STARTED', category: 'healthy', note: 'running; leave alone' },
  { key: 'fullComplete', id: 'c4d81f07-2e9b-45a3-8c6f-d13b59ejb101', name: 'DRS-archive-migration', status: 'FULL_TRANSFER_COMPLETE', category: 'healthy', note: 'finished full migration' },
  { key: 'createFailed', id: '8e5a2b71-c03d-4e98-a6f4-27b1c08jb101', name: 'DRS-analytics-migration', status: 'CREATE_FAILED', errorCode: 'DRS.M05066', errorMessage: 'Failed to create instance!', category: 'needs-attention', note: 'never retry; a human must look' },
  { key: 'configuration', id: 'd2f6e093-48a1-4b5c-9d70-6a3e81fjb101', name: 'DRS-staging-migration', status: 'CONFIGURATION', category: 'skip', note: 'still being configured' },
  { key: 'busy', id: '71b3c5d9-e2a4-4f08-b16c-3d9f0a2jb101', name: 'DRS-payments-migration', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, busy: 2, category: 'busy', note: 'retryable, but the next two retries answer DRS.M01504' },
  { key: 'syncIncreFailed', id: 'e93a07c4-5b1d-4a6f-82e3-f4c61d8jb101', name: 'DRS-inventory-sync', dbUseType: 'sync', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, category: 'retryable', note: 'sync task, incremental phase failed' },
  { key: 'syncReleaseFailed', id: '0c7f4e2a-9d31-4b85-a7c6-5e208b3jb101', name: 'DRS-legacy-sync', dbUseType: 'sync', status: 'RELEASE_RESOURCE_FAILED', category: 'needs-attention', note: 'stopping failed; never retry' },
  { key: 'syncHealthy', id: '6a2d8b15-f3c7-4e90-b4a1-c87e32djb101', name: 'DRS-search-sync', dbUseType: 'sync', status: 'INCRE_TRANSFER_STARTED', category: 'healthy', note: 'running sync' },
  { key: 'drParent', id: DR_PARENT, name: 'DRS-core-dual-active', dbUseType: 'cloudDataGuard', status: 'INCRE_TRANSFER_FAILED', multiWrite: true, category: 'dual-active-parent', note: 'parent: retry answers DRS.M00307; retry its children' },
  { key: 'drChildFailed', id: '19d4a6e7-c28b-4f53-a0e9-8b7f25cjb101', name: 'DRS-core-dual-active-forward', dbUseType: 'cloudDataGuard', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, multiWrite: true, parentId: DR_PARENT, masterJobId: DR_PARENT, category: 'dual-active-child', note: 'failed child: the retry target' },
  { key: 'drChildHealthy', id: 'f06c3b84-d5e2-4a17-93b8-2e9a41fjb101', name: 'DRS-core-dual-active-backward', dbUseType: 'cloudDataGuard', status: 'CHILD_TRANSFER_STARTED', multiWrite: true, parentId: DR_PARENT, masterJobId: DR_PARENT, category: 'healthy', note: 'healthy child' },
  // One failed task of each engine but MySQL-to-MySQL (querying_tasks_of_a_tenant.rst:79-83):
  // the list API shows them only to a client that sends engine_type "" (line 75: the default is mysql).
  { key: 'postgresSyncFailed', id: '2d7b9e14-6c3a-4f85-b0d2-9a1e63fjb101', name: 'DRS-ledger-pg-sync', dbUseType: 'sync', engineType: 'postgresql', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: unreachable('jdbc:postgresql://192.168.14.20:5432/ledger?connectTimeout=5', 'dbsync'), category: 'retryable', note: 'PostgreSQL sync, incremental phase failed' },
  { key: 'mongoMigrationFailed', id: '9f42c6a8-1e7d-4b30-85c9-e7d20b4jb101', name: 'DRS-sessions-mongo-migration', engineType: 'mongodb', status: 'FULL_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: unreachable('mongodb://192.168.3.41:8635/?authSource=admin', 'rwuser'), category: 'retryable', note: 'MongoDB to DDS, full phase failed' },
  { key: 'taurusSyncFailed', id: '64e1a3d7-b92f-4c08-a5e6-1f8c07bjb101', name: 'DRS-reports-taurus-sync', dbUseType: 'sync', engineType: 'mysql-to-taurus', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, category: 'retryable', note: 'MySQL to GaussDB(for MySQL) sync failed' },
  { key: 'drFailed', id: 'c81f5d02-73ae-4e69-9b14-5d3a28ejb101', name: 'DRS-catalog-dr', dbUseType: 'cloudDataGuard', status: 'INCRE_TRANSFER_FAILED', errorCode: 'DRS.M01501', errorMessage: LINK_FAILURE, category: 'retryable', note: 'single-active DR (cloudDataGuard-mysql) failed' },
];

/** Every demo job, in seeding order. */
export const DEMO_JOBS: readonly DemoJob[] = SEEDS.map(({ key, id, name, dbUseType, engineType, status, parentId, category, note }) => ({
  key,
  id,
  name,
  dbUseType: dbUseType ?? 'migration',
  engineType: engineType ?? (dbUseType === 'cloudDataGuard' ? 'cloudDataGuard-mysql' : 'mysql'),
  status,
  ...(parentId !== undefined && { parentId }),
  category,
  note,
}));

/** The SMN topic the demo creates, in the given project. */
export function demoTopicUrn(projectId: string = DEFAULT_PROJECT.id): string {
  return `urn:smn:eu-de:${projectId}:drs-auto-retry-report`;
}

/** Seeds the demo jobs and topic into the default project. */
export function seedDemoProject(emulator: Pick<Emulator, 'addTask' | 'addTopic'>): { jobs: readonly DemoJob[]; topicUrn: string } {
  for (const { key: _key, category: _category, note: _note, ...seed } of SEEDS) emulator.addTask(seed);
  const topicUrn = demoTopicUrn();
  emulator.addTopic(topicUrn);
  return { jobs: DEMO_JOBS, topicUrn };
}

/** The id of the demo job with this key; throws on a typo, so a test cannot pass vacuously. */
export function demoJobId(key: string): string {
  const job = DEMO_JOBS.find((j) => j.key === key);
  if (!job) throw new TypeError(`Expected a demo job key, got "${key}"`);
  return job.id;
}
