import type { Emulator, EmulatorUser } from './types.js';

/** Raw `fetch` helpers for tests that talk to the emulator directly, without the project's client. */

/** A reply with its body parsed as JSON when possible. */
export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** POSTs `body` (a string is sent as-is, anything else as JSON) and reads the whole reply. */
export async function post<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal: AbortSignal = AbortSignal.timeout(5000),
): Promise<Reply<T>> {
  // Header names are case-insensitive: a second content-type would be merged into "a, b".
  const sent = new Headers(headers);
  if (!sent.has('content-type')) sent.set('Content-Type', 'application/json');
  const res = await fetch(url, {
    method: 'POST',
    headers: sent,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** The password-method body of `POST /v3/auth/tokens`. */
export function passwordAuthBody(user: EmulatorUser, scope?: Record<string, unknown>): Record<string, unknown> {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: user.name, password: user.password, domain: { name: user.domain } } },
      },
      ...(scope && { scope }),
    },
  };
}

/** A token scoped to `projectId` (default: the default project) for the default user. */
export async function issueToken(emulator: Emulator, projectId: string = emulator.defaults.project.id): Promise<string> {
  const reply = await post(
    `${emulator.url}/v3/auth/tokens?nocatalog=true`,
    passwordAuthBody(emulator.defaults.user, { project: { id: projectId } }),
    { 'Content-Type': 'application/json;charset=utf8' },
  );
  const token = reply.headers.get('x-subject-token');
  if (reply.status !== 201 || token === null) throw new Error(`token request answered ${reply.status}: ${reply.text}`);
  return token;
}
