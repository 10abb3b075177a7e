import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Report } from '../../lib/core/report.js';

/** The serverless CLI must never probe the cloud metadata address, and has nothing to report home. */
export const QUIET = { AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: 'true' };

const BIN = join(process.cwd(), 'node_modules', '.bin');

export interface CommandResult {
  stdout: string;
  stderr: string;
  failed: boolean;
}

/** Runs a command with only `env` (plus PATH with the project's bins, a fresh HOME and QUIET), and an empty stdin. */
async function runQuietly(file: string, args: readonly string[], env: Record<string, string>): Promise<CommandResult> {
  const running = promisify(execFile)(file, [...args], {
    env: { PATH: `${BIN}:${process.env.PATH ?? ''}`, HOME: mkdtempSync(join(tmpdir(), 'sls-home-')), ...QUIET, ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  // Without -p, invoke local reads an event from stdin unless it is a terminal: here it is empty,
  // as a terminal's would be.
  running.child.stdin?.end();
  const result = await running.catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', failed: true }));
  return { stdout: result.stdout, stderr: result.stderr, failed: 'failed' in result };
}

/** The project's serverless CLI (osls). */
export const serverless = (args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> =>
  runQuietly(join(BIN, 'serverless'), args, env);

/**
 * Runs `npm run <name>` as package.json says, but without its leading `npm run build && `: the
 * suite's global setup built dist/ once, and a rebuild here would rewrite it under the feet of
 * tests running beside.
 */
export async function npmScriptWithoutBuild(name: string, args: readonly string[], env: Record<string, string>): Promise<CommandResult> {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const script = scripts[name];
  if (script === undefined || !script.startsWith('npm run build && ')) throw new Error(`package.json has no script ${name} that builds first`);
  return runQuietly('sh', ['-c', `${script.slice('npm run build && '.length)} "$@"`, name, ...args], env);
}

/** invoke local prints the handler's log lines, then the returned value (or the error) as indented JSON. */
export function returnedValue<T = Report>(stdout: string): T {
  const start = stdout.lastIndexOf('\n{\n');
  return JSON.parse(stdout.slice(start === -1 ? stdout.indexOf('{\n') : start + 1)) as T;
}
