import type { Emulator, EmulatorTaskSeed } from './types.js';

/**
 * The `failure-causes` scenario: failed tasks whose texts are the causes of
 * reference/drs-failure-causes.md, wrapped as DRS wraps them. DRS hands the same text out as
 * `failed_reason` (and `error_message`) in batch-detail and as `error_msg` in the task list
 * (querying_tasks_of_a_tenant.rst:285 "Task failure cause"; its example on line 353 shows the wrapping
 * `service LOGMANAGER failed, cause by: …`). Its ids never clash with the demo project's, so both
 * can be seeded into one emulator.
 */

/** The documented fix of a cause (drs-failure-causes.md, column `default`); `unknown` matches no row. */
export type CauseDecision = 'retry' | 'person' | 'unknown';

/** One seeded task, with the row of drs-failure-causes.md its text matches. */
export interface FailureCauseJob {
  key: string;
  id: string;
  name: string;
  status: string;
  /** The row's `id` in drs-failure-causes.md, or `unknown`. */
  cause: string;
  decision: CauseDecision;
  /** The whole text DRS gives, wrapping included. */
  text: string;
}

/**
 * A database password inside a JDBC connection string of one task's failure text: it must never
 * reach a log, report, error message or notification.
 */
export const DB_PASSWORD_IN_FAILURE_TEXT = 'S3cret-Ord3rs!2026';

const wrap = (cause: string): string => `service LOGMANAGER failed, cause by: ${cause}`;

type Seed = Omit<FailureCauseJob, 'text'> & { message: string };

// Texts follow the list page's example and the MySQL/JDBC messages the reference names per row.
const SEEDS: readonly Seed[] = [
  {
    key: 'unreachableWithPassword', id: '0a6e3c91-5d27-4f84-b1e9-3c7d52ajb201', name: 'DRS-orders-eu-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'dbms-unreachable', decision: 'retry',
    message: 'Unable to connect to DBMS: url=jdbc:mysql://172.22.74.56:3306?useUnicode=true&allowLoadLocalInfile=false&characterEncoding=UTF-8'
      + `&connectTimeout=5000&user=root&password=${DB_PASSWORD_IN_FAILURE_TEXT}&useSSL=false&serverTimezone=UTC user=root`,
  },
  {
    key: 'linkFailure', id: '1b7f4da2-6e38-4095-82fa-4d8e63bjb201', name: 'DRS-stock-migration', status: 'FULL_TRANSFER_FAILED',
    cause: 'link-failure', decision: 'retry',
    message: 'Communications link failure. The last packet sent successfully to the server was 0 milliseconds ago.',
  },
  {
    key: 'masterDisconnected', id: '2c805eb3-7f49-41a6-93ab-5e9f74cjb201', name: 'DRS-events-sync', status: 'INCRE_TRANSFER_FAILED',
    cause: 'master-disconnected', decision: 'retry', message: 'EOF Packet received, master disconnected',
  },
  {
    key: 'coreProcess', id: '3d916fc4-805a-42b7-a4bc-6fa085djb201', name: 'DRS-audit-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'core-process', decision: 'retry', message: 'The core process is not healthy or crashed, waiting for the daemon to recover it',
  },
  {
    key: 'lockWait', id: '4ea270d5-916b-43c8-b5cd-70b196ejb201', name: 'DRS-invoices-migration', status: 'FULL_TRANSFER_FAILED',
    cause: 'lock-wait', decision: 'retry', message: 'Lock wait timeout exceeded; try restarting transaction',
  },
  {
    key: 'diskFull', id: '5fb381e6-a27c-44d9-86de-81c2a7fjb201', name: 'DRS-logs-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'disk-full', decision: 'person',
    message: 'The MySQL server is running with the --super-read-only option so it cannot execute this statement',
  },
  {
    key: 'accessDenied', id: '60c492f7-b38d-45ea-97ef-92d3b80jb201', name: 'DRS-users-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'access-denied', decision: 'person', message: "Access denied for user 'root'@'192.168.0.12' (using password: YES)",
  },
  {
    key: 'duplicateKey', id: '71d5a308-c49e-46fb-a8f0-a3e4c91jb201', name: 'DRS-order-items-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'duplicate-key', decision: 'person', message: "Duplicate entry '1042' for key 'order_items.PRIMARY'",
  },
  {
    key: 'binlogPurged', id: '82e6b419-d5af-4702-b901-b4f5da2jb201', name: 'DRS-payments-eu-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'binlog-purged', decision: 'person',
    message: 'Could not find first log file name in binary log index file',
  },
  {
    key: 'mustSeek', id: '93f7c52a-e6b0-4813-8a12-c506eb3jb201', name: 'DRS-carts-migration', status: 'INCRE_TRANSFER_FAILED',
    cause: 'must-seek', decision: 'person', message: 'Must seek before attempting to read next event',
  },
  {
    key: 'tableMissing', id: 'a408d63b-f7c1-4924-9b23-d617fc4jb201', name: 'DRS-shipping-migration', status: 'FULL_TRANSFER_FAILED',
    cause: 'table-missing', decision: 'person', message: 'table `shop`.`shipments` not found in target database',
  },
  {
    key: 'unknownCause', id: 'b519e74c-08d2-4a35-8c34-e728ad5jb201', name: 'DRS-search-index-sync', status: 'INCRE_TRANSFER_FAILED',
    cause: 'unknown', decision: 'unknown', message: 'replication worker 7 stopped: state machine entered an unexpected phase',
  },
];

/** Every task of the scenario, in seeding order. */
export const FAILURE_CAUSE_JOBS: readonly FailureCauseJob[] = SEEDS.map(({ message, ...job }) => ({ ...job, text: wrap(message) }));

/** Seeds the scenario into the default project (all migration tasks on MySQL, error code DRS.M01501). */
export function seedFailureCauses(emulator: Pick<Emulator, 'addTask'>): readonly FailureCauseJob[] {
  for (const job of FAILURE_CAUSE_JOBS) {
    const seed: EmulatorTaskSeed = { id: job.id, name: job.name, status: job.status, errorCode: 'DRS.M01501', errorMessage: job.text };
    emulator.addTask(seed);
  }
  return FAILURE_CAUSE_JOBS;
}

/** The id of the scenario's task with this key; throws on a typo, so a test cannot pass vacuously. */
export function failureCauseJobId(key: string): string {
  const job = FAILURE_CAUSE_JOBS.find((j) => j.key === key);
  if (!job) throw new TypeError(`Expected a failure-cause job key, got "${key}"`);
  return job.id;
}
