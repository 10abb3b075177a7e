import axios, { AxiosError, type AxiosResponse } from 'axios';
import { routeFor, type Proxies } from './proxy.js';

/**
 * One HTTP exchange, done by axios with its Node http adapter (the design's HTTP client).
 * axios decodes gzip/deflate, caps the answer after decoding, keeps connections alive through
 * our agents, refuses to follow redirects, honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (a CONNECT
 * tunnel for https:, the absolute form for http:), and stops at an AbortSignal. Everything around
 * the exchange (retries, backoff, throttling, the refresh, the deadline) is
 * lib/http/httpClient.ts's own; which way a request goes is lib/http/proxy.ts's.
 */

/** One attempt, exactly as it goes on the wire. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Lower-case names; `accept-encoding` is set here. */
  headers: Record<string, string>;
  /** The exact body text ('' for none). */
  body: string;
  /** For the whole exchange: connecting, sending, and reading the answer to its end. */
  timeoutMs: number;
  /** The run's deadline: aborting it stops the exchange wherever it is. */
  signal?: AbortSignal;
  /** The proxies of the run's settings; none: every request goes direct. */
  proxies?: Proxies;
}

/** An answer, whatever its status, or why there was none. Never throws, never holds a header sent. */
export type TransportResult =
  | { ok: true; status: number; headers: Record<string, string>; text: string }
  | { ok: false; code: string; message: string };

/**
 * A status page is ~160 KB; an answer far beyond any DRS, IAM or SMN page is a broken gateway or
 * a wrong endpoint, and reading it whole could exhaust a small function's memory. Counted after
 * decompression, so a small compressed answer cannot unpack into gigabytes either.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** The codings asked for, and the only ones accepted: axios would decode brotli unasked. */
const ACCEPT_ENCODING = 'gzip, deflate';
const ACCEPTED_CODINGS = new Set(['', 'identity', 'gzip', 'x-gzip', 'deflate']);

const client = axios.create({
  adapter: 'http',
  // A redirect could carry X-Auth-Token to another host; 0 also makes axios use node's own
  // http/https instead of follow-redirects.
  maxRedirects: 0,
  maxContentLength: MAX_ANSWER_BYTES,
  decompress: true,
  responseType: 'text',
  responseEncoding: 'utf8',
  // The body is sent as the exact bytes that were signed, and read back as text: no transforms.
  transformRequest: [],
  transformResponse: [],
  // Every status is an answer; the HTTP client decides what it means.
  validateStatus: () => true,
});

const flatten = (headers: AxiosResponse['headers']): Record<string, string> => {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
};

/** The content coding the server named, read before axios removed the header it decoded. */
function codingOf(response: AxiosResponse): string {
  const raw = (response.request as { res?: { rawHeaders?: string[] } } | undefined)?.res?.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'content-encoding') return (raw[i + 1] ?? '').trim().toLowerCase();
  }
  return '';
}

/** Node's own rule for a header value (checkInvalidHeaderChar). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

// Node's network codes: their messages name the host and port, never a header.
const NETWORK_MESSAGE = /^(E[A-Z]+|ERR_TLS_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|ERR_SSL)/;

/** What went wrong, as a code and a message that never quotes a request header. */
function failure(error: unknown, why: 'timeout' | 'deadline' | undefined, timeoutMs: number): { ok: false; code: string; message: string } {
  if (why === 'timeout') return { ok: false, code: 'ETIMEDOUT', message: `no complete answer within ${timeoutMs} ms` };
  if (why === 'deadline') return { ok: false, code: 'ETIMEDOUT', message: "the run's time budget ran out before the answer was complete" };
  const inner = error instanceof AxiosError && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : undefined;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? inner?.code ?? 'ERR_NETWORK';
  const message = (error as Error | undefined)?.message ?? '';
  if (message.startsWith('maxContentLength size of')) {
    return { ok: false, code: 'ERR_ANSWER_TOO_LARGE', message: `the answer is larger than ${MAX_ANSWER_BYTES} bytes` };
  }
  if (message === 'stream has been aborted' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return { ok: false, code: 'ECONNRESET', message: 'the connection closed before the answer was complete' };
  }
  if (code.startsWith('Z_')) return { ok: false, code, message: `the compressed answer is corrupt (${code})` };
  if (NETWORK_MESSAGE.test(code)) return { ok: false, code, message: message.slice(0, 200) };
  // Refused before sending, e.g. a header value with a line break. Node's message may quote the
  // value, which may be a token: keep only the code.
  return { ok: false, code, message: `the request could not be made (${code})` };
}

/** Sends one request and reads the whole answer. Redirects are returned, never followed. */
export async function exchange(request: TransportRequest): Promise<TransportResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, code: 'ERR_INVALID_URL', message: 'the URL is not valid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, code: 'ERR_UNSUPPORTED_PROTOCOL', message: `${url.protocol} is not http: or https:` };
  }
  // axios would strip a line break from a header value and send the rest: a token that is not
  // the one configured. Refuse it as node does, naming the header but never its value.
  for (const [name, value] of Object.entries(request.headers)) {
    if (INVALID_HEADER_CHAR.test(value)) {
      return { ok: false, code: 'ERR_INVALID_CHAR', message: `the request could not be made: header ${name.slice(0, 40)} holds a character HTTP does not allow (ERR_INVALID_CHAR)` };
    }
  }
  // One timer for the whole answer (axios's own timeout is per socket inactivity), and the run's
  // deadline: whichever comes first aborts the exchange.
  const controller = new AbortController();
  let why: 'timeout' | 'deadline' | undefined;
  const timer = setTimeout(() => {
    why = 'timeout';
    controller.abort();
  }, request.timeoutMs);
  const onDeadline = () => {
    why ??= 'deadline';
    controller.abort();
  };
  if (request.signal?.aborted) onDeadline();
  request.signal?.addEventListener('abort', onDeadline, { once: true });
  const route = routeFor(url, request.proxies ?? {});
  try {
    const response = await client.request<string>({
      method: request.method,
      url: request.url,
      // Status pages are JSON that compresses ~10:1, which counts over a WAN; and without the
      // header a server may pick any coding (RFC 9110), so name the ones accepted.
      headers: { 'accept-encoding': ACCEPT_ENCODING, ...request.headers },
      data: request.body === '' ? undefined : request.body,
      proxy: route.proxy,
      httpAgent: route.httpAgent,
      httpsAgent: route.httpsAgent,
      signal: controller.signal,
    });
    const coding = codingOf(response);
    if (!ACCEPTED_CODINGS.has(coding)) {
      return { ok: false, code: 'ERR_CONTENT_ENCODING', message: `the answer is encoded as "${coding.slice(0, 40)}", which was not asked for` };
    }
    return { ok: true, status: response.status, headers: flatten(response.headers), text: response.data };
  } catch (error) {
    return failure(error, why, request.timeoutMs);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onDeadline);
  }
}
