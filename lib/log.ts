import { writeSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';
import { clip } from './core/clip.js';

/**
 * Field names whose values are secrets wherever they appear in a logged object. pino masks
 * them before the line is written, so a secret passed by mistake still never reaches a log.
 */
export const SECRET_FIELDS = [
  'password',
  'secretKey',
  'secret_key',
  'securityToken',
  'security_token',
  'token',
  'authToken',
  'webhookSecret',
  'x-auth-token',
  'X-Auth-Token',
  'x-subject-token',
  'X-Subject-Token',
  'x-security-token',
  'X-Security-Token',
  'authorization',
  'Authorization',
  'db_password',
] as const;

const redactPaths = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join('*'), join('*.*'), join('*.*.*')];
});

/** pino's levels, as LOG_LEVEL takes them (README "Logging"). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const isLogLevel = (value: unknown): value is LogLevel => (LOG_LEVELS as readonly unknown[]).includes(value);

export interface LoggerOptions {
  /** 1 = stdout (the function's log), 2 = stderr (the CLI, whose stdout is the report). */
  fd: 1 | 2;
  /**
   * Any string: one that is not a level means `info`, so that a bad LOG_LEVEL can never stop a
   * module from loading. The configuration check (loadConfig) refuses it with a clear message.
   */
  level?: string;
  /** `json` (the default): one JSON object a line. `human`: short lines for a person at a terminal. */
  format?: 'json' | 'human';
  /** Write here instead of `fd` (tests). */
  stream?: DestinationStream;
}

/**
 * Synchronous writes to a file descriptor: a Lambda may freeze right after returning, and the
 * CLI sets exitCode instead of exiting, so nothing may sit in a buffer. (pino's own
 * sonic-boom is left out of the bundle; this is all of it that the tool needs.)
 */
function fdStream(fd: 1 | 2): DestinationStream {
  return {
    write(line: string) {
      writeAllSync(fd, line);
    },
  };
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** How long a write waits, in all, for a reader that has stopped reading, before it fails. */
const MAX_WAIT_MS = 10_000;

/**
 * Writes all of `text` to `fd` before it returns. Once anything touches process.stdout (the CLI
 * does), node makes a pipe non-blocking, and writeSync then fails with EAGAIN whenever the pipe is
 * full (64 KiB): a 256 KiB report line would be lost. So a full pipe is waited out, 1 ms at a
 * time, and a partial write is continued.
 */
export function writeAllSync(fd: number, text: string): void {
  let rest = Buffer.from(text, 'utf8');
  let waitedMs = 0;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || waitedMs >= MAX_WAIT_MS) throw error;
      Atomics.wait(pause, 0, 0, 1);
      waitedMs += 1;
    }
  }
}

/** Fields every line carries, which a person at a terminal does not need to see. */
const QUIET_FIELDS = new Set(['level', 'time', 'service', 'msg', 'runId']);

/**
 * `drs-auto-retry warn: retrying a DRS/IAM call (operation=IAM token attempt=2 …)`: a pino line
 * (already redacted) said in one short line.
 */
export function humanLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const fields = Object.entries(entry)
    .filter(([key]) => !QUIET_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const detail = clip(fields, 300);
  return `drs-auto-retry ${String(entry.level)}: ${String(entry.msg ?? '')}${detail ? ` (${detail})` : ''}\n`;
}

/** The structured logger of both faces. */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? fdStream(options.fd);
  return pino(
    {
      level: isLogLevel(options.level) ? options.level : 'info',
      base: { service: 'drs-auto-retry' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.format === 'human' ? { write: (line: string) => stream.write(humanLine(line)) } : stream,
  );
}
