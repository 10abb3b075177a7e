import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { startEmulator, type Emulator } from '../emulator/index.js';

const TLS_DIR = join(process.cwd(), 'test', 'fixtures', 'tls');

/** The emulator's test certificate (test/fixtures/tls) and its CA file for NODE_EXTRA_CA_CERTS. */
export const TEST_TLS = {
  key: readFileSync(join(TLS_DIR, 'emulator.key'), 'utf8'),
  cert: readFileSync(join(TLS_DIR, 'emulator.crt'), 'utf8'),
};
export const TEST_CA_FILE = join(TLS_DIR, 'emulator.crt');

/**
 * A test file's cleanups, run in reverse after each test, an emulator holding one failed and one
 * healthy task, and local test servers (all closed by those cleanups): what the transport and
 * proxy tests run against.
 */
export function useTwoTaskEmulator(ids: { failed: string; healthy: string }) {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function emulatorWith(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
    const emulator = await startEmulator({
      tasks: [
        { id: ids.failed, status: 'FULL_TRANSFER_FAILED' },
        { id: ids.healthy, status: 'INCRE_TRANSFER_STARTED' },
      ],
      ...options,
    });
    cleanups.push(() => emulator.close());
    return emulator;
  }
  /** Starts a test server on a free loopback port, closed (its kept-alive sockets too) after the test. */
  async function listenLocally(server: Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return (server.address() as AddressInfo).port;
  }
  return { cleanups, emulatorWith, listenLocally };
}
