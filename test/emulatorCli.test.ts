import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EMULATOR_PORT } from './emulator/defaults.js';
import { DEMO_JOBS } from './emulator/demoProject.js';
import { FAILURE_CAUSE_JOBS } from './emulator/failureCauses.js';
import { DEFAULT_PROJECT, DEFAULT_USER } from './emulator/index.js';
import { passwordAuthBody, post } from './emulator/testClient.js';
import { freePort } from './support/freePort.js';

/** The emulator by hand: `npm run emulator`, as the README's Quick start shows it. */


function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Live processes whose command line names this port (the emulator and anything it started). */
function processesOnPort(port: number): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (args.includes('emulator') && args.includes(`--port ${port}`)) found.push(`${pid}: ${args}`);
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

/** Starts `npm run emulator -- ARGS` and waits until it says how to stop it. */
async function startByHand(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('npm', ['run', 'emulator', '--', ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 20_000 }).toContain('Ctrl+C stops the emulator.');
  return { child, output: () => output };
}

describe('npm run emulator', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('stops, port closed and no process left, when the npm process gets %s', async (signal) => {
    // Prepare
    const port = await freePort();
    const { child, output } = await startByHand(['--port', String(port)]);
    try {
      const token = await post(`http://127.0.0.1:${port}/v3/auth/tokens`, passwordAuthBody(DEFAULT_USER, { project: { id: DEFAULT_PROJECT.id } }));
      expect(token.status).toBe(201);
      // Act
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
      // Assess: SIGKILL forwards nothing, so the emulator notices its parent is gone.
      await expect.poll(() => portAnswers(port), { timeout: 10_000 }).toBe(false);
      await expect.poll(() => processesOnPort(port), { timeout: 10_000 }).toEqual([]);
      expect(output()).toContain(`listening on http://127.0.0.1:${port}`);
    } finally {
      child.kill('SIGKILL');
      // Whatever this test started and left behind (only when it fails), by the port in its command line.
      for (const found of processesOnPort(port)) process.kill(Number(found.split(':')[0]), 'SIGKILL');
    }
  });

  it('serves the demo project, prints export lines that a shell can paste, and exits 0 on SIGTERM', async () => {
    // Prepare
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--latency-ms', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('Ctrl+C');
      const authUrl = /OS_AUTH_URL=(\S+)/.exec(output)?.[1] ?? '';
      const exports = output.split('\n').filter((line) => line.startsWith('export ')).join('\n');
      // Act
      const reply = await post(`${authUrl}/auth/tokens`, passwordAuthBody(DEFAULT_USER, { project: { id: DEFAULT_PROJECT.id } }));
      // Pasted into a shell as printed, the lines reach the CLI (a bare VAR=value would not).
      const cli = spawnSync('sh', ['-c', `${exports}\n"${process.execPath}" dist/drs-auto-retry.cjs --dry-run --format json --job ${DEMO_JOBS[0]?.id ?? ''}`], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      });
      child.kill('SIGTERM');
      const [code] = await exited;
      // Assess
      expect(reply.status).toBe(201);
      expect(output).toMatch(/^export DRS_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\n/m);
      expect(output).not.toMatch(/^\s*OS_[A-Z_]+=/m);
      expect(cli.status).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({ summary: { requested: 1, would_retry: 1 } });
      expect(output).toContain(`OS_PROJECT_ID=${DEFAULT_PROJECT.id}`);
      for (const job of DEMO_JOBS) expect(output).toContain(job.id);
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('prints the export lines for its fixed default port with --print-env, without serving', () => {
    // Act
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--print-env'], { encoding: 'utf8' });
    // Assess
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.every((line) => line.startsWith('export '))).toBe(true);
    expect(lines).toContain(`export DRS_ENDPOINT=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}`);
    expect(lines).toContain(`export OS_AUTH_URL=http://127.0.0.1:${DEFAULT_EMULATOR_PORT}/v3`);
  });

  it('seeds a named scenario, and refuses an unknown one or a taken port with the fix', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', ...args], { encoding: 'utf8', timeout: 20_000 });
    try {
      // Act
      const unknown = run(['--scenario', 'everything']);
      const busy = run(['--port', String(taken)]);
      const { child, output } = await startByHand(['--port', '0', '--scenario', 'failure-causes']);
      child.kill('SIGTERM');
      await once(child, 'exit');
      // Assess
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('Expected --scenario to be demo, failure-causes or all, got everything');
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`Port ${taken} on 127.0.0.1 is taken (another emulator still running?): stop it, or choose one with --port N`);
      for (const job of FAILURE_CAUSE_JOBS) expect(output()).toContain(job.id);
      expect(output()).not.toContain(DEMO_JOBS[0]?.id);
    } finally {
      blocker.close();
    }
  });
});
