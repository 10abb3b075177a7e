import type { IncomingHttpHeaders } from 'node:http';
import { parseAuthorization, parseSdkDate, verifySignature } from './akskVerifier.js';
import type { AuthKind } from './requestLog.js';
import type { TokenStore } from './tokens.js';
import type { EmulatorAccessKey, EmulatorProject } from './types.js';

/** Why a DRS or SMN call was refused; each service renders it in its own body shape. */
export interface AuthFailure {
  status: 401 | 403;
  code: string;
  message: string;
}

/** The request facts authentication needs. */
export interface AuthRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Project id from the path. */
  projectId: string;
}

export interface AuthDeps {
  tokens: TokenStore;
  accessKeys: ReadonlyMap<string, EmulatorAccessKey>;
  projects: ReadonlyMap<string, EmulatorProject>;
  now: () => number;
}

const SDK_DATE_SKEW_MS = 15 * 60 * 1000;

const TOKEN_REJECTED: AuthFailure = { status: 401, code: 'APIG.1002', message: 'Incorrect token or token resolution failed' };
const TOKEN_INVALID: AuthFailure = { status: 403, code: 'DRS.M00100', message: 'Invalid token.' };
const PROJECT_INVALID: AuthFailure = { status: 403, code: 'DRS.M00261', message: 'Invalid project ID.' };
const aksk = (detail: string): AuthFailure => ({
  status: 401,
  code: 'APIG.0301',
  message: `Incorrect IAM authentication information: ${detail}`,
});
const SIGNATURE_MISMATCH = aksk('verify aksk signature fail');

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Which credentials a request carries; an SDK-HMAC Authorization header wins over X-Auth-Token. */
export function authKindOf(headers: IncomingHttpHeaders): AuthKind {
  if (header(headers, 'authorization')?.trim().startsWith('SDK-HMAC-SHA256')) return 'aksk';
  return header(headers, 'x-auth-token') ? 'token' : 'none';
}

function checkToken(req: AuthRequest, deps: AuthDeps): AuthFailure | undefined {
  const value = header(req.headers, 'x-auth-token');
  const token = value === undefined ? undefined : deps.tokens.lookup(value);
  if (token === undefined) return TOKEN_REJECTED;
  // TTL expiry is caught at the gateway (401); injected revocation is reported by DRS itself (403).
  if (deps.now() >= token.expiresAt) return TOKEN_REJECTED;
  if (token.callsLeft !== undefined && token.callsLeft <= 0) return TOKEN_INVALID;
  if (token.projectId !== req.projectId) return PROJECT_INVALID;
  if (token.callsLeft !== undefined) token.callsLeft -= 1;
  return undefined;
}

function checkAkSk(req: AuthRequest, deps: AuthDeps): AuthFailure | undefined {
  const parsed = parseAuthorization(header(req.headers, 'authorization'));
  if (parsed === undefined) return aksk('malformed Authorization header');
  const sdkDate = header(req.headers, 'x-sdk-date');
  const signedAt = parseSdkDate(sdkDate);
  if (sdkDate === undefined || signedAt === undefined) return aksk('x-sdk-date is missing or malformed');
  if (Math.abs(deps.now() - signedAt) > SDK_DATE_SKEW_MS) return aksk('x-sdk-date is more than 15 minutes off');
  if (!parsed.signedHeaders.includes('host') || !parsed.signedHeaders.includes('x-sdk-date')) {
    return aksk('SignedHeaders must include host and x-sdk-date');
  }
  if (parsed.signedHeaders.some((name) => req.headers[name] === undefined)) return aksk('a signed header is missing');
  // A security token sent beside the signature, but not under it, could be swapped in transit.
  if (req.headers['x-security-token'] !== undefined && !parsed.signedHeaders.includes('x-security-token')) {
    return aksk('SignedHeaders must include x-security-token when it is sent');
  }
  const key = deps.accessKeys.get(parsed.ak);
  if (key === undefined) return aksk('access key not found');
  const parts = { ...req, body: req.body, signedHeaders: parsed.signedHeaders, sdkDate };
  if (!verifySignature(parts, key.sk, parsed.signature)) return SIGNATURE_MISMATCH;
  // Temporary keys are only valid together with the security token they were issued with.
  if (key.securityToken !== undefined && header(req.headers, 'x-security-token') !== key.securityToken) {
    return aksk('x-security-token is missing or invalid');
  }
  const projectHeader = header(req.headers, 'x-project-id');
  if (projectHeader !== undefined && projectHeader !== req.projectId) return PROJECT_INVALID;
  if (!deps.projects.has(req.projectId)) return PROJECT_INVALID;
  return undefined;
}

/** Checks a DRS or SMN call's credentials; `undefined` means accepted. */
export function authenticate(req: AuthRequest, deps: AuthDeps): AuthFailure | undefined {
  switch (authKindOf(req.headers)) {
    case 'aksk':
      return checkAkSk(req, deps);
    case 'token':
      return checkToken(req, deps);
    default:
      return TOKEN_REJECTED;
  }
}
