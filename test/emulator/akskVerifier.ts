import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Independent verifier for Huawei's SDK-HMAC-SHA256 request signing, written from the published
 * description of the algorithm and checked against Huawei's own signer and the official test vector in tests.
 */

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** The parts of a received request that the signature covers. */
export interface SignedRequestParts {
  method: string;
  /** Path as received on the wire, possibly percent-encoded. */
  rawPath: string;
  /** Query string as received, without the leading `?`. */
  rawQuery: string;
  /** Received headers with lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** Lower-case header names in the order of `SignedHeaders`. */
  signedHeaders: readonly string[];
  /** Raw body bytes: the hash must cover exactly what was sent. */
  body: Buffer | string;
  /** The X-Sdk-Date value, as sent. */
  sdkDate: string;
}

/** The fields of an `Authorization: SDK-HMAC-SHA256 ...` header. */
export interface ParsedAuthorization {
  ak: string;
  signedHeaders: string[];
  signature: string;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Percent-encodes everything but RFC 3986 unreserved characters, upper-case hex, like the SDK. */
export function signingEncode(value: string): string {
  // encodeURIComponent leaves !'()* alone; the signer escapes them too.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Each path segment decoded, then encoded, always ending with `/`. Decoding first (as Huawei's APIG
 * signers do) makes `urn:smn:...` and `urn%3Asmn%3A...` on the wire canonicalise the same way.
 */
export function canonicalUri(rawPath: string): string {
  const path = rawPath.split('/').map((segment) => signingEncode(decodeOrKeep(segment))).join('/');
  return path.endsWith('/') ? path : `${path}/`;
}

/** Keys sorted, values of a repeated key sorted, both encoded; `+` reads as a space as in form decoding. */
export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decodeOrKeep(rawKey.replace(/\+/g, ' '));
    const values = byKey.get(key) ?? [];
    values.push(decodeOrKeep(rawValue.replace(/\+/g, ' ')));
    byKey.set(key, values);
  }
  const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.keys()]
    .sort(byCodeUnit)
    .flatMap((key) => (byKey.get(key) ?? []).sort(byCodeUnit).map((v) => `${signingEncode(key)}=${signingEncode(v)}`))
    .join('&');
}

function headerValue(headers: SignedRequestParts['headers'], name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** METHOD, URI, query, `name:value\n` per signed header, the signed-header list, body hash, joined by `\n`. */
export function canonicalRequest(parts: SignedRequestParts): string {
  const headers = parts.signedHeaders.map((name) => `${name}:${headerValue(parts.headers, name)}\n`).join('');
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.rawPath),
    canonicalQuery(parts.rawQuery),
    headers,
    parts.signedHeaders.join(';'),
    sha256Hex(parts.body),
  ].join('\n');
}

export function stringToSign(sdkDate: string, canonical: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of the string to sign, keyed with the SK. */
export function computeSignature(parts: SignedRequestParts, sk: string): string {
  return createHmac('sha256', sk).update(stringToSign(parts.sdkDate, canonicalRequest(parts))).digest('hex');
}

/** Constant-time check of `signature` against the one computed from `parts`. */
export function verifySignature(parts: SignedRequestParts, sk: string, signature: string): boolean {
  let expected: string;
  try {
    expected = computeSignature(parts, sk);
  } catch {
    // Lone surrogates cannot be encoded; the SDK refuses them too.
    return false;
  }
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(signature.toLowerCase(), 'utf8');
  // Compare equal-length buffers even on a length mismatch, so timing never reveals a prefix.
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}

/** Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`; `undefined` if malformed. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (header === undefined) return undefined;
  const match = /^SDK-HMAC-SHA256\s+(.+)$/.exec(header.trim());
  if (match?.[1] === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const ak = fields.get('Access');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!ak || !signed || !signature || !/^[0-9a-fA-F]+$/.test(signature)) return undefined;
  return { ak, signedHeaders: signed.split(';').map((name) => name.trim().toLowerCase()), signature };
}

/** `YYYYMMDDTHHMMSSZ` to epoch ms; `undefined` if malformed or not a real date. */
export function parseSdkDate(value: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC silently rolls 20191332 into January; reject instead.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour) return undefined;
  return ms;
}
