import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { parseAuthorization } from './akskVerifier.js';
import { authKindOf } from './auth.js';
import { dispatch, type Services } from './dispatch.js';
import { serviceAbnormal } from './drsErrors.js';
import { executeFault } from './faultActions.js';
import type { FaultInjector } from './faults.js';
import { parseJsonBody } from './json.js';
import type { RateWindow } from './rateWindow.js';
import type { RequestLog } from './requestLog.js';
import { errorResponse, sendResponse, type ApiResponse } from './responses.js';
import { matchRoute } from './router.js';

/** The HTTP side: sockets, body reading, latency, faults, logging; the APIs live in dispatch. */

export interface ServerParts {
  services: Services;
  faults: FaultInjector;
  log: RequestLog;
  /** Read per request, so `setLatency` applies to the next request. */
  latencyMs: () => number;
  /** Serve HTTPS with this identity instead of plain HTTP. */
  tls?: { key: string; cert: string };
  /** DRS's request-rate limit. */
  rateWindow: RateWindow;
}

/** A listening server that can be torn down without waiting for anything. */
export interface RunningServer {
  url: string;
  /** TCP connections accepted so far (keep-alive reuse shows as fewer than requests). */
  connections(): number;
  close(): Promise<void>;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts listening on 127.0.0.1; port 0 picks a free port. */
export async function startServer(port: number, parts: ServerParts): Promise<RunningServer> {
  const { services, faults, log, latencyMs, rateWindow } = parts;
  const sockets = new Set<Socket>();
  // Aborted on close, so requests sleeping in latency or fault delays stop at once.
  const lifetime = new AbortController();

  /** Waits `ms`; false when the emulator closed or the client went away meanwhile. */
  async function pause(ms: number, res: ServerResponse): Promise<boolean> {
    if (ms > 0) {
      try {
        await delay(ms, undefined, { signal: lifetime.signal });
      } catch {
        return false;
      }
    }
    return !res.destroyed;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const match = matchRoute(method, rawPath);
    const headers = flattenHeaders(req.headers);
    const auth = match.route === 'token' ? 'none' : authKindOf(req.headers);
    const entry = log.begin({
      route: match.route,
      method,
      path: rawPath,
      projectId: match.projectId,
      headers,
      auth,
      accessKey: auth === 'aksk' ? parseAuthorization(headers.authorization)?.ak : undefined,
      securityToken: headers['x-security-token'],
    });
    // In flight from arrival until the response ends or the socket dies (reset, hang, abort).
    res.on('close', () => log.finish(entry, res.headersSent ? res.statusCode : 0));

    const rawBody = await readBody(req);
    const body = parseJsonBody(rawBody);
    if (body.ok) entry.body = body.value;
    if (!(await pause(latencyMs(), res))) return;

    // Gateway faults come before authentication: a gateway throttles or fails before it checks
    // credentials. DRS's own refusals (`service` faults) are answered by dispatch, after it.
    const fault = faults.take(match.route, 'gateway');
    if (fault !== undefined) {
      entry.fault = fault.kind;
      if (!(await pause(fault.ms ?? 0, res))) return;
      if (executeFault(fault, match.route, res) === 'handled') return;
    }

    if (!rateWindow.admit(match.route)) {
      entry.rateLimited = true;
      sendResponse(res, errorResponse(400, 'DRS.M01503', 'Operation too frequent. Try again later.'));
      return;
    }

    let response: ApiResponse;
    try {
      response = dispatch(match, { method, rawPath, rawQuery, headers: req.headers, rawBody, body }, services);
    } catch (error) {
      entry.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      response = serviceAbnormal();
    }
    if (response.fault !== undefined) entry.fault = response.fault;
    if (response.served === true) entry.served = true;
    sendResponse(res, response);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // A client that disconnects mid-body rejects readBody; the close listener has logged it already.
    handle(req, res).catch(() => res.socket?.destroy());
  };
  const server = parts.tls ? createTlsServer(parts.tls, onRequest) : createServer(onRequest);
  let accepted = 0;
  // Longer than typical client keep-alive pools, so an idle socket is never closed under a client
  // that is about to reuse it (a classic source of flaky ECONNRESET in tests).
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `${parts.tls ? 'https' : 'http'}://127.0.0.1:${actualPort}`,
    connections: () => accepted,
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        server.close(() => resolve());
        // Keep-alive and hung sockets would keep close() waiting forever; end them now.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
