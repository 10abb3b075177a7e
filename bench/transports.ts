/**
 * `npx tsx bench/transports.ts`: CPU per answer of the HTTP paths the tool could use, on the
 * answer that dominates a large run (a 100-item batch-detail page, ~160 KB), in rounds of 10
 * requests at once. The client runs in a child process, so the emulator's CPU is not counted.
 * It shows what axios costs against the platform's own fetch (BENCHMARKS.md, "What axios costs").
 *
 *   npx tsx bench/transports.ts            every path, 3 runs each, medians
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exchange } from '../lib/http/transport.js';
import { DEFAULT_PROJECT, DEFAULT_USER, startEmulator } from '../test/emulator/index.js';
import { jobIds, median, seeds } from './fixtures.js';

const PATHS = ['axios http adapter (lib/http/transport.ts)', 'fetch'] as const;
type Path = (typeof PATHS)[number];
const N = 10_000;
const ROUNDS_OF_10 = 30;

/** Child: one path, 300 requests in rounds of 10, then prints its own CPU per request. */
async function client(path: Path, url: string, token: string): Promise<void> {
  const ids = jobIds(N);
  const bodies: string[] = [];
  for (let i = 0; i < ids.length; i += 100) bodies.push(JSON.stringify({ jobs: ids.slice(i, i + 100), page_req: { cur_page: 1, per_page: 100 } }));
  const headers = { 'content-type': 'application/json', 'x-auth-token': token };
  const one = async (body: string): Promise<unknown> => {
    if (path === 'fetch') {
      const response = await fetch(url, { method: 'POST', headers, body });
      return JSON.parse(await response.text());
    }
    const answer = await exchange({ method: 'POST', url, headers, body, timeoutMs: 10_000 });
    if (!answer.ok) throw new Error(answer.message);
    return JSON.parse(answer.text);
  };
  for (const body of bodies.slice(0, 10)) await one(body); // warm-up: connections, JIT
  const before = process.cpuUsage();
  let requests = 0;
  for (let round = 0; round < ROUNDS_OF_10; round++) {
    const page = (round * 10) % bodies.length;
    await Promise.all(bodies.slice(page, page + 10).map(one));
    requests += 10;
  }
  const cpu = process.cpuUsage(before);
  process.stdout.write(`${JSON.stringify({ cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests })}\n`);
}

function runChild(path: Path, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client', path, url, token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((JSON.parse(out) as { cpuMsPerRequest: number }).cpuMsPerRequest) : reject(new Error(`${path} exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ tasks: seeds(N) });
  try {
    const login = await fetch(`${emulator.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: DEFAULT_USER.name, password: DEFAULT_USER.password, domain: { name: DEFAULT_USER.domain } } } },
          scope: { project: { id: DEFAULT_PROJECT.id } },
        },
      }),
    });
    const token = login.headers.get('x-subject-token') ?? '';
    const url = `${emulator.url}/v3/${DEFAULT_PROJECT.id}/jobs/batch-detail`;
    const results = new Map<Path, number[]>(PATHS.map((p) => [p, []]));
    for (let run = 0; run < 3; run++) for (const path of PATHS) results.get(path)?.push(await runChild(path, url, token));
    process.stdout.write(`CPU per batch-detail answer (100 items), ${ROUNDS_OF_10 * 10} requests in rounds of 10, median of 3 runs, Node ${process.version}\n`);
    for (const [path, values] of results) process.stdout.write(`  ${path.padEnd(36)} ${median(values).toFixed(2)} ms  (runs: ${values.map((v) => v.toFixed(2)).join(', ')})\n`);
  } finally {
    await emulator.close();
  }
}

const [flag, path, url, token] = process.argv.slice(2);
if (flag === '--client' && path !== undefined && url !== undefined && token !== undefined) await client(path as Path, url, token);
else await main();
