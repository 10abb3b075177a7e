import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_TOKEN_TTL_MS, DEFAULT_USER } from './defaults.js';
import { FaultInjector } from './faults.js';
import { RateWindow } from './rateWindow.js';
import { RequestLog } from './requestLog.js';
import { startServer } from './server.js';
import { SmnService } from './smn.js';
import { TaskStore } from './taskStore.js';
import { TokenStore } from './tokens.js';
import type { Emulator, EmulatorAccessKey, EmulatorOptions, EmulatorProject, EmulatorUser } from './types.js';

export { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER } from './defaults.js';
export { FaultInjector, type FaultKind, type FaultPhase, type FaultRoute, type FaultRule } from './faults.js';
export { RequestLog, type AuthKind, type LogEntry, type RetryFilter } from './requestLog.js';
export type {
  DbUseType,
  Emulator,
  EmulatorAccessKey,
  EmulatorOptions,
  EmulatorProject,
  EmulatorRoute,
  EmulatorTask,
  EmulatorTaskSeed,
  EmulatorUser,
  PublishedMessage,
  RetryAttempt,
} from './types.js';

function checkNonNegative(name: string, value: number | undefined, integer = false): void {
  if (value === undefined) return;
  if (!(Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value)))) {
    throw new TypeError(`Expected \`${name}\` to be a${integer ? 'n integer' : ' number'} from 0 and up, got ${value}`);
  }
}

/** Starts IAM + DRS + SMN on one origin. The default user, access key and project always exist. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkNonNegative('port', options.port, true);
  checkNonNegative('latencyMs', options.latencyMs);
  checkNonNegative('tokenTtlMs', options.tokenTtlMs);
  const now = options.now ?? Date.now;

  const projects = new Map<string, EmulatorProject>(
    [DEFAULT_PROJECT, ...(options.projects ?? [])].map((p) => [p.id, { ...p }]),
  );
  const users: EmulatorUser[] = [DEFAULT_USER, ...(options.users ?? [])].map((u) => ({ ...u }));
  const accessKeys = new Map<string, EmulatorAccessKey>(
    [DEFAULT_ACCESS_KEY, ...(options.accessKeys ?? [])].map((k) => [k.ak, { ...k }]),
  );
  const tokens = new TokenStore(now, options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS);
  const tasks = new TaskStore(projects, DEFAULT_PROJECT.id, now);
  for (const seed of options.tasks ?? []) tasks.add(seed);
  const smn = new SmnService();
  const log = new RequestLog();
  const faults = new FaultInjector({
    expireTokens: (calls, alsoLater) => tokens.expireAfterCalls(calls, alsoLater),
    restoreTokens: () => tokens.restore(),
  });
  let latencyMs = options.latencyMs ?? 0;
  const rateWindow = new RateWindow(options.rateLimit);
  let url = '';

  const server = await startServer(options.port ?? 0, {
    services: { tasks, smn, faults, tokens, users, projects, accessKeys, now, baseUrl: () => url },
    faults,
    log,
    latencyMs: () => latencyMs,
    rateWindow,
    ...(options.tls && { tls: options.tls }),
  });
  url = server.url;

  return {
    url,
    connections: () => server.connections(),
    defaults: { user: { ...DEFAULT_USER }, accessKey: { ...DEFAULT_ACCESS_KEY }, project: { ...DEFAULT_PROJECT } },
    addTask: (seed) => tasks.add(seed),
    getTask: (id) => tasks.snapshot(id),
    setStatus: (id, status) => tasks.setStatus(id, status),
    deleteTask: (id) => tasks.delete(id),
    leaveOutOfDetail: (ids) => tasks.leaveOutOfDetail(ids),
    tasks: (projectId) => tasks.list(projectId),
    addTopic: (urn) => smn.addTopic(urn),
    faults,
    log,
    setLatency(ms) {
      checkNonNegative('ms', ms);
      latencyMs = ms;
    },
    setRateLimit: (perSecond) => rateWindow.set(perSecond),
    issuedTokens: () => tokens.issued(),
    publishedMessages: () => smn.published(),
    close: () => server.close(),
  };
}
