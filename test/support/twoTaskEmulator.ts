import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
 * A test file's cleanups, run in reverse after each test, and an emulator holding one failed and
 * one healthy task (closed by those cleanups): what the transport and proxy tests run against.
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
  return { cleanups, emulatorWith };
}
