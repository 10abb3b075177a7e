import type { FaultInjector } from './faults.js';
import type { RequestLog } from './requestLog.js';

/** Which emulated API a request hit; `unknown` is any path or method the emulator does not serve. */
export type EmulatorRoute = 'token' | 'batch-status' | 'batch-detail' | 'list' | 'batch-retry' | 'smn' | 'unknown';

/** DRS scenario of a task, as in `db_use_type`. */
export type DbUseType = 'migration' | 'sync' | 'cloudDataGuard';

/** An IAM user that can obtain tokens with the password method. */
export interface EmulatorUser {
  name: string;
  password: string;
  /** Account (domain) name, as sent in `auth.identity.password.user.domain.name`. */
  domain: string;
}

/** An AK/SK pair; with `securityToken` it is a temporary key that also needs `X-Security-Token`. */
export interface EmulatorAccessKey {
  ak: string;
  sk: string;
  securityToken?: string;
}

/** A project (region scope) that DRS and SMN calls are made against. */
export interface EmulatorProject {
  /** 32 hex characters, used in every DRS/SMN path. */
  id: string;
  /** Region-style name such as `eu-de`, usable in an IAM project scope. */
  name: string;
}

/** What a test seeds; everything but `id` and `status` has a realistic default. */
export interface EmulatorTaskSeed {
  id: string;
  /** Defaults to the default project. */
  projectId?: string;
  name?: string;
  status: string;
  /** Defaults to `migration`. */
  dbUseType?: DbUseType;
  /** Defaults to `mysql`, or `cloudDataGuard-mysql` for cloudDataGuard tasks. */
  engineType?: string;
  errorCode?: string;
  errorMessage?: string;
  /** True for dual-active DR tasks (`multi_write`). */
  multiWrite?: boolean;
  /** Set on a dual-active child: the id of its parent. */
  parentId?: string;
  masterJobId?: string;
  /** The next N retries of this job answer the per-item DRS.M01504 (busy). */
  busy?: number;
}

/** One retry attempt the emulator answered for a task. */
export interface RetryAttempt {
  /** Emulator clock (`now()`) at the attempt. */
  at: number;
  /** `is_sync_re_edit` as sent, `undefined` when omitted. */
  isSyncReEdit: boolean | undefined;
  /** `success`, or the per-item error code answered. */
  outcome: string;
}

/** A snapshot of a task's state; change it through the emulator's methods, not by mutation. */
export interface EmulatorTask {
  id: string;
  projectId: string;
  name: string;
  status: string;
  dbUseType: DbUseType;
  engineType: string;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  multiWrite: boolean;
  parentId: string | undefined;
  masterJobId: string | undefined;
  /** Retries still to be answered with DRS.M01504. */
  busy: number;
  /** Deleted tasks answer DRS.M05004. */
  deleted: boolean;
  /** Creation time (epoch ms) shown as `create_time`. */
  createdAt: number;
  /** The `db_password` batch-detail reveals for the source database (for secret-leak tests). */
  sourceDbPassword: string;
  /** The `db_password` batch-detail reveals for the target database. */
  targetDbPassword: string;
  retries: RetryAttempt[];
}

/** A message accepted by the SMN publish API. */
export interface PublishedMessage {
  projectId: string;
  topicUrn: string;
  subject?: string;
  message: string;
  timeToLive?: string;
  messageId: string;
}

/** Options of {@link startEmulator}; every field is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Extra users; the default user is always present. */
  users?: EmulatorUser[];
  /** Extra access keys; the default key is always present. */
  accessKeys?: EmulatorAccessKey[];
  /** Extra projects; the default project is always present. */
  projects?: EmulatorProject[];
  tasks?: EmulatorTaskSeed[];
  /** Token lifetime; defaults to 24 h as IAM documents. */
  tokenTtlMs?: number;
  /** Clock for token expiry and X-Sdk-Date checks; defaults to `Date.now`. */
  now?: () => number;
  /** Latency added to every request; defaults to 0. */
  latencyMs?: number;
  /** Serve HTTPS with this identity (PEM) instead of plain HTTP; see test/fixtures/tls. */
  tls?: { key: string; cert: string };
  /**
   * DRS accepts at most this many requests in any second (a sliding window) and answers the
   * rest 400 DRS.M01503; IAM and SMN are not limited. Default: no limit.
   */
  rateLimit?: number;
}

/** A running emulator serving IAM, DRS and SMN on one origin. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`); OS_AUTH_URL is `${url}/v3`, DRS and SMN endpoints are `url`. */
  url: string;
  /** TCP connections accepted so far: fewer than the requests when clients keep them alive. */
  connections(): number;
  defaults: { user: EmulatorUser; accessKey: EmulatorAccessKey; project: EmulatorProject };
  addTask(seed: EmulatorTaskSeed): EmulatorTask;
  getTask(id: string): EmulatorTask | undefined;
  setStatus(id: string, status: string): void;
  /** The task stays known but answers DRS.M05004 from now on. */
  deleteTask(id: string): void;
  /** From now on, batch-detail leaves these ids out of its results (known tasks or not). */
  leaveOutOfDetail(ids: readonly string[]): void;
  /** Tasks that are not deleted, optionally of one project, in creation order. */
  tasks(projectId?: string): EmulatorTask[];
  /** Makes an SMN topic publishable; the URN is `urn:smn:{region}:{project_id}:{name}`. */
  addTopic(urn: string): void;
  faults: FaultInjector;
  log: RequestLog;
  setLatency(ms: number): void;
  /** Sets (or, with undefined, lifts) the DRS rate limit of {@link EmulatorOptions.rateLimit}. */
  setRateLimit(perSecond: number | undefined): void;
  /** Every X-Subject-Token issued so far, for secret-leak tests. */
  issuedTokens(): string[];
  publishedMessages(): PublishedMessage[];
  /** Closes the server and destroys every open socket, hanging requests included. */
  close(): Promise<void>;
}
