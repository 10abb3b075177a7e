import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DEFAULT_PROJECT, startEmulator, type Emulator, type EmulatorAccessKey, type EmulatorTaskSeed } from '../emulator/index.js';
import { issueToken } from '../emulator/testClient.js';

/**
 * Shared setup of the emulator's own tests (test/emulator*.test.ts): one emulator per test file,
 * a token for the default project, and the small helpers the tests share.
 */

// Huawei's own signer, used only as an oracle for the emulator's independent verifier.
interface HuaweiSigner {
  sign(request: Record<string, unknown>, credential: { getAk(): string; getSk(): string }): Record<string, string>;
}
const { AKSKSigner } = createRequire(import.meta.url)('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
  AKSKSigner: HuaweiSigner;
};

export type Item = Record<string, unknown>;
export interface Results { results: Item[]; count: number; error_code?: string; error_msg?: string }
export interface ErrorBody { error_code: string; error_msg: string }
export interface SmnBody { request_id: string; code?: string; message?: string; message_id?: string }

export const OTHER_PROJECT = { id: '1d2e3f4a5b6c4d7e8f9a0b1c2d3e4f50', name: 'eu-nl' };
export const TEMP_KEY: EmulatorAccessKey = {
  ak: 'TMPQ8W3ZK2LD7XMRNV4E', sk: 'Yq3nB8vR2kLm7TzX9cWp4Hs6Jd1Gf5Ae0Uo3Ki8N', securityToken: 'gQpEdS5zdWItdG9rZW4tZm9yLXRlc3Rz',
};

/** The current test file's emulator (a live binding: set in the beforeAll of `useSharedEmulator`). */
export let emulator: Emulator;
/** A token for the default project on `emulator` (a live binding, like `emulator`). */
export let token: string;
let seq = 0;

/**
 * Starts the file's emulator (with OTHER_PROJECT and TEMP_KEY) before its tests and closes it after;
 * clears faults and latency after each test. Call once, at the top level of a test file.
 */
export function useSharedEmulator(): void {
  beforeAll(async () => {
    emulator = await startEmulator({ projects: [OTHER_PROJECT], accessKeys: [TEMP_KEY] });
    token = await issueToken(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    emulator.faults.clear();
    emulator.setLatency(0);
  });
}

/** A fresh, doc-shaped job id, so tests never share task state. */
export const newId = (): string => `${(++seq).toString(16).padStart(8, '0')}-4e2a-4b1c-9d3e-5f6a7b8jb101`;
export const drs = (path: string, projectId = DEFAULT_PROJECT.id): string => `${emulator.url}/v3/${projectId}/jobs${path}`;
export const auth = (): Record<string, string> => ({ 'X-Auth-Token': token });
export const seed = (status: string, extra: Partial<EmulatorTaskSeed> = {}): string =>
  emulator.addTask({ id: newId(), status, ...extra }).id;

/** Signs a POST with Huawei's signer and returns headers fetch can send (it sets Host itself). */
export function huaweiSigned(url: string, body: unknown, key: EmulatorAccessKey, headers: Record<string, string> = {}): Record<string, string> {
  const signed = AKSKSigner.sign(
    { method: 'POST', endpoint: url, headers: { 'content-type': 'application/json', ...headers }, data: body, queryParams: {} },
    { getAk: () => key.ak, getSk: () => key.sk },
  );
  const { host: _host, ...sendable } = signed;
  return sendable;
}
