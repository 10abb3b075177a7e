import { createHash, createHmac } from 'node:crypto';
import type { RequestAuthorizer, SignableRequest } from '../http/httpClient.js';
import type { Clock } from '../core/deadline.js';

/** An OTC access key pair; `securityToken` is set for temporary keys. */
export interface AccessKey {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

const ALGORITHM = 'SDK-HMAC-SHA256';

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** RFC 3986 encoding: only unreserved characters stay as they are (as in Huawei's signer). */
const encodeRfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `X-Sdk-Date` format: basic ISO 8601 in UTC, `20191115T033655Z`. */
export function formatSdkDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Path segments encoded one by one, always ending in `/` (the APIG rule). */
function canonicalUri(pathname: string): string {
  const encoded = pathname.split('/').map(encodeRfc3986).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams.entries()].map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const);
  pairs.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Signs a request with SDK-HMAC-SHA256 (the APIG AK/SK scheme). Every header of the request,
 * `host` and `x-sdk-date` are signed. Returns the headers to add; `host` itself is left to the
 * HTTP stack, which sends the same value.
 */
export function signRequest(request: SignableRequest, key: AccessKey, epochMs: number): Record<string, string> {
  const sdkDate = formatSdkDate(epochMs);
  const added: Record<string, string> = { 'X-Sdk-Date': sdkDate };
  if (key.securityToken) added['X-Security-Token'] = key.securityToken;

  const signed = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) signed.set(name.toLowerCase(), value);
  for (const [name, value] of Object.entries(added)) signed.set(name.toLowerCase(), value);
  signed.set('host', request.url.host);
  const names = [...signed.keys()].sort();

  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url),
    names.map((name) => `${name}:${(signed.get(name) ?? '').trim()}\n`).join(''),
    names.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', key.secretKey).update(stringToSign, 'utf8').digest('hex');
  added.Authorization = `${ALGORITHM} Access=${key.accessKey}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return added;
}

/**
 * AK/SK credentials: each request is signed on its own, so nothing expires and nothing is
 * cached. `X-Project-Id` scopes the call to the project, as the APIG docs ask for
 * multi-project accounts.
 */
export class AkSkAuthorizer implements RequestAuthorizer {
  readonly refusal: string;

  constructor(
    private readonly key: AccessKey,
    private readonly projectId: string | undefined,
    private readonly clock: Clock = Date.now,
  ) {
    this.refusal = key.securityToken
      ? 'The temporary AK/SK (OS_ACCESS_KEY, OS_SECRET_KEY with OS_SECURITY_TOKEN) was refused: get a fresh set, since temporary keys expire'
      : 'The AK/SK from OS_ACCESS_KEY and OS_SECRET_KEY was refused: check both keys, and that their user may use DRS in this project';
  }

  async authorize(request: SignableRequest): Promise<Record<string, string>> {
    const headers = { ...request.headers };
    if (this.projectId) headers['x-project-id'] = this.projectId;
    const signature = signRequest({ ...request, headers }, this.key, this.clock());
    return this.projectId ? { 'X-Project-Id': this.projectId, ...signature } : signature;
  }

  /** A refused signature will not get better by signing again. */
  invalidate(): boolean {
    return false;
  }
}
