import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Report } from '../../lib/core/report.js';

/** The serverless CLI must never probe the cloud metadata address, and has nothing to report home. */
export const QUIET = { AWS_EC2_METADATA_DISABLED: 'true', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: 'true' };

export interface CommandResult {
  stdout: string;
  stderr: string;
  failed: boolean;
}

/**
 * Runs `npm run <name>` as package.json says, in a shell with only `env` (plus PATH, a fresh HOME
 * and QUIET), but without its leading `npm run build && `: the suite's global setup built dist/
 * once, and a rebuild here would rewrite it under the feet of tests running beside.
 */
export async function npmScriptWithoutBuild(name: string, args: readonly string[], env: Record<string, string>): Promise<CommandResult> {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const script = scripts[name];
  if (script === undefined || !script.startsWith('npm run build && ')) throw new Error(`package.json has no script ${name} that builds first`);
  const command = `${script.slice('npm run build && '.length)} "$@"`;
  const running = promisify(execFile)('sh', ['-c', command, name, ...args], {
    env: { PATH: `${join(process.cwd(), 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: mkdtempSync(join(tmpdir(), 'sls-home-')), ...QUIET, ...env },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  // Without -p, invoke local reads an event from stdin unless it is a terminal: here it is empty,
  // as a terminal's would be.
  running.child.stdin?.end();
  const result = await running.catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', failed: true }));
  return { stdout: result.stdout, stderr: result.stderr, failed: 'failed' in result };
}

/** invoke local prints the handler's log lines, then the returned value (or the error) as indented JSON. */
export function returnedValue<T = Report>(stdout: string): T {
  const start = stdout.lastIndexOf('\n{\n');
  return JSON.parse(stdout.slice(start === -1 ? stdout.indexOf('{\n') : start + 1)) as T;
}
