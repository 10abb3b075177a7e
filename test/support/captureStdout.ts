import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** What the code under test wrote to stdout, split into lines. */
export interface CapturedStdout<T> {
  /** What `act` resolved to; undefined when it threw. */
  result: T | undefined;
  /** What `act` threw, if it did. */
  error: unknown;
  lines: string[];
  /** The lines that parse as JSON objects (log lines, reports, EMF). */
  json(): Array<Record<string, unknown>>;
}

/**
 * Runs `act` and keeps what it writes to stdout instead of printing it, so a test of a handler
 * asserts on its log lines (pino, the report and the EMF line write fd 1 with fs.writeSync; the
 * rest would go through process.stdout). Other file descriptors and stderr are left alone. One
 * capture at a time.
 */
export async function captureStdout<T>(act: () => Promise<T> | T): Promise<CapturedStdout<T>> {
  const chunks: string[] = [];
  const { writeSync } = fs;
  const stdoutWrite = process.stdout.write;
  const keep = (data: unknown, encoding?: unknown): void => {
    chunks.push(typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd !== 1) return (writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
    keep(data, rest[0]);
    return typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
  }) as typeof fs.writeSync;
  // `import { writeSync } from 'node:fs'` elsewhere sees the replacement only after this.
  syncBuiltinESMExports();
  process.stdout.write = ((data: unknown, encoding?: unknown, callback?: unknown) => {
    keep(data, encoding);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof process.stdout.write;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await act();
  } catch (thrown) {
    error = thrown;
  } finally {
    fs.writeSync = writeSync;
    syncBuiltinESMExports();
    process.stdout.write = stdoutWrite;
  }
  const lines = chunks.join('').split('\n').filter((line) => line !== '');
  return {
    result,
    error,
    lines,
    json: () => lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
