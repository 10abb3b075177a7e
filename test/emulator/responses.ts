import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.js';

/** What a route handler answers; the server writes it as JSON. */
export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The body as JSON text already (big answers joined from cached parts); sent instead of `body`. */
  json?: string;
  /** Set when an injected `service` fault made this answer, for the request log. */
  fault?: FaultKind;
  /** Set when the operation itself answered (no fault, credentials accepted), for the request log. */
  served?: boolean;
}

/** DRS, IAM and the API gateway share `{error_code, error_msg}`. */
export function errorResponse(status: number, code: string, msg: string): ApiResponse {
  return { status, body: { error_code: code, error_msg: msg } };
}

/** 32 lower-case hex characters, the shape of SMN's request and message ids. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}

/** SMN answers errors as `{request_id, code, message}`. */
export function smnError(status: number, code: string, message: string): ApiResponse {
  return { status, body: { request_id: hexId(), code, message } };
}

/** The gateway answers unrouted paths itself, before any service sees them. */
export const NOT_FOUND: ApiResponse = errorResponse(
  404,
  'APIG.0101',
  'The API does not exist or has not been published in the environment',
);

/** Writes `response` unless the socket is already gone (closed emulator, aborted client). */
export function sendResponse(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  const payload = Buffer.from(response.json ?? JSON.stringify(response.body), 'utf8');
  res.writeHead(response.status, {
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(payload.length),
    'X-Request-Id': hexId(),
    ...response.headers,
  });
  res.end(payload);
}
