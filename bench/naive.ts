/**
 * The loop a user would write by hand: one IAM token, then one batch-retry request per job,
 * sequentially, without reading any status first. It is the baseline the engine is compared
 * with, so it is written plainly with fetch, as such a script would be.
 */
import { startEmulator } from '../test/emulator/index.js';
import { isRetryable, jobIds, seeds } from './fixtures.js';

export interface NaiveRun {
  n: number;
  latencyMs: number;
  wallMs: number;
  requests: number;
  problems: string[];
}

async function naiveLoop(url: string, ids: readonly string[], user: { name: string; password: string; domain: string }, projectId: string) {
  const auth = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user.name, password: user.password, domain: { name: user.domain } } } },
        scope: { project: { id: projectId } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token') ?? '';
  await auth.text();
  for (const id of ids) {
    const response = await fetch(`${url}/v3/${projectId}/jobs/batch-retry-task`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ jobs: [{ job_id: id }] }),
    });
    await response.json();
  }
}

/** Times the naive loop over n seeded jobs, and checks it did what it claims (one retry per job). */
export async function runNaive(n: number, latencyMs: number): Promise<NaiveRun> {
  const emulator = await startEmulator({ latencyMs, tasks: seeds(n) });
  try {
    const ids = jobIds(n);
    const { user, project } = emulator.defaults;
    const started = performance.now();
    await naiveLoop(emulator.url, ids, user, project.id);
    const wallMs = performance.now() - started;
    const problems: string[] = [];
    ids.forEach((id, i) => {
      const retries = emulator.getTask(id)?.retries ?? [];
      // Healthy tasks are retried too (there is no status check): DRS answers them DRS.M00304.
      const want = isRetryable(i) ? 'success' : 'DRS.M00304';
      if (retries.length !== 1 || retries[0]?.outcome !== want) {
        problems.push(`naive loop: ${id} got ${retries.map((r) => r.outcome).join(', ') || 'no retry'}, expected ${want}`);
      }
    });
    const requests = emulator.log.entries.length;
    if (requests !== n + 1) problems.push(`naive loop made ${requests} requests, expected ${n + 1}`);
    return { n, latencyMs, wallMs, requests, problems: problems.slice(0, 20) };
  } finally {
    await emulator.close();
  }
}
