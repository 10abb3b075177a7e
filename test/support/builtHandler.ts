import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../lib/core/report.js';

export interface BuiltInvocation {
  /** The handler's return value, or what it threw. */
  result: { ok: true; value: Report; elapsedMs: number } | { ok: false; error: { name: string; message: string; code?: string }; elapsedMs: number };
  /** stdout, the function's log, line by line (without the newlines). */
  lines: string[];
  /** stdout as written, newlines included. */
  stdout: string;
  stderr: string;
  /** The files in dist/ the process had loaded when the handler was done, the bundle's side files among them. */
  besides: string[];
}

/** Invokes the built handler (dist/autoRetry.cjs) in a fresh node process with only `env` (plus PATH). */
export function invokeBuilt(event: unknown, env: Record<string, string>, remainingMs = 300_000): Promise<BuiltInvocation> {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-built-'));
  const eventFile = join(dir, 'event.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/support/lambdaRunner.mjs', eventFile, resultFile, String(remainingMs)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code !== 0) return reject(new Error(`the runner exited with ${code}: ${stderr}`));
      const { besides, ...result } = JSON.parse(readFileSync(resultFile, 'utf8')) as BuiltInvocation['result'] & { besides: string[] };
      resolve({ result: result as BuiltInvocation['result'], stdout, stderr, besides, lines: stdout.split('\n').filter((line) => line !== '') });
    });
  });
}
