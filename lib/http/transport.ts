import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/**
 * One HTTP exchange on node's own client (node:http / node:https). Not axios or fetch: per
 * answer of a 160 KB status page this costs 0.9 ms of CPU against 2.2 ms for axios on fetch and
 * 1.5 ms for fetch alone, and nothing in the bundle (BENCHMARKS.md, bench/transports.ts).
 * Everything around the exchange (retries, backoff, the deadline, the refresh) was always
 * lib/http/httpClient.ts's own.
 */

/** One attempt, exactly as it goes on the wire. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Lower-case names; `host`, `content-length` and `accept-encoding` are set here. */
  headers: Record<string, string>;
  /** The exact body text ('' for none). */
  body: string;
  /** For the whole exchange: connecting, sending, and reading the answer to its end. */
  timeoutMs: number;
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

// Keep-alive: a run makes hundreds of requests to one endpoint, and a TLS handshake each would
// dominate. Idle sockets are unref'd by the agent, so they never keep a process alive.
const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) };

const flatten = (headers: IncomingHttpHeaders): Record<string, string> => {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
};

/** The answer's body, decompressed; undefined for a coding that was not asked for. */
function decoded(answer: IncomingMessage): Readable | undefined {
  const coding = (answer.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return answer;
  if (coding === 'gzip' || coding === 'x-gzip') return answer.pipe(createGunzip());
  if (coding === 'deflate') return answer.pipe(createInflate());
  return undefined;
}

/** Sends one request and reads the whole answer. Redirects are returned, never followed. */
export function exchange(request: TransportRequest): Promise<TransportResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      resolve({ ok: false, code: 'ERR_INVALID_URL', message: 'the URL is not valid' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      resolve({ ok: false, code: 'ERR_UNSUPPORTED_PROTOCOL', message: `${url.protocol} is not http: or https:` });
      return;
    }

    let client: ClientRequest | undefined;
    let settled = false;
    const settle = (result: TransportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    // Only node's code and message: its errors name the host and port, never a header.
    const fail = (code: string, message: string) => {
      settle({ ok: false, code, message });
      client?.destroy();
    };
    const timer = setTimeout(() => fail('ETIMEDOUT', `no complete answer within ${request.timeoutMs} ms`), request.timeoutMs);

    // Status pages are JSON that compresses ~10:1, which counts over a WAN; and without the header
    // a server may pick any coding (RFC 9110), so name the ones decoded here.
    const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate', ...request.headers };
    if (request.body !== '') headers['content-length'] = String(Buffer.byteLength(request.body));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      client = send(url, { method: request.method, headers, agent: agents[url.protocol] }, (answer: IncomingMessage) => {
        answer.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ECONNRESET', error.message));
        // A connection that closes before the end of the body, without an error event on some Node versions.
        answer.on('close', () => {
          if (!answer.complete) fail('ECONNRESET', 'the connection closed before the answer was complete');
        });
        const body = decoded(answer);
        if (body === undefined) {
          fail('ERR_CONTENT_ENCODING', `the answer is encoded as "${answer.headers['content-encoding']?.slice(0, 40)}", which was not asked for`);
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
          body.destroy();
          fail('ERR_ANSWER_TOO_LARGE', `the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
        });
        body.on('end', () =>
          settle({ ok: true, status: answer.statusCode ?? 0, headers: flatten(answer.headers), text: Buffer.concat(chunks, bytes).toString('utf8') }),
        );
        if (body !== answer) body.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_CONTENT_ENCODING', `the compressed answer is corrupt: ${error.message}`));
      });
    } catch (error) {
      // Refused before sending, e.g. a header value with a line break. Node's message would quote
      // the value, which may be a token: keep only the code.
      const code = (error as NodeJS.ErrnoException).code ?? 'ERR_INVALID_REQUEST';
      fail(code, `the request could not be built (${code})`);
      return;
    }
    client.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ERR_NETWORK', error.message));
    client.end(request.body === '' ? undefined : request.body);
  });
}
