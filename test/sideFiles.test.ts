import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { REPORT_MESSAGE } from '../lib/notify/reportLog.js';
import { invokeBuilt } from './support/builtHandler.js';
import { LOCAL_AWS_ENV, startDynalite, type LocalDynamo } from './support/dynalite.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/**
 * The Lambda bundle's side files (scripts/bundleOptions.mjs, SIDE_FILES): the ledgers and the
 * notification sinks sit beside dist/autoRetry.cjs and load only when the settings ask for them,
 * and they share the bundle's error family (dist/errors.cjs), so their errors are still of the
 * family: a ledger's code reaches the report, and a sink's failure is described, not "unexpected".
 */

const JOB = '5a1d0c44-6b1e-4c8e-9f3a-0d2b7e1f9jb101';
let dynamo: LocalDynamo;
/** A loopback port that accepts nothing: a ledger there is down. */
let closedPort: number;

useDemoEmulator();

beforeAll(async () => {
  dynamo = await startDynalite();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => dynamo.close());

describe('the built Lambda bundle and the files beside it', () => {
  it('loads no ledger without one: only the error family beside it', async () => {
    // Prepare
    emulator.addTask({ id: JOB, status: 'FULL_TRANSFER_FAILED' });

    // Act
    const invocation = await invokeBuilt({ jobIds: [JOB] }, emulatorEnv(emulator));

    // Assess
    expect(invocation.result.ok).toBe(true);
    expect(invocation.besides).toEqual(['errors.cjs']);
  });

  it('keeps the budget in DynamoDB with the ledger beside it, between two invocations', async () => {
    // Prepare
    const table = `ledger-side-${Math.random().toString(36).slice(2, 8)}`;
    await dynamo.createLedgerTable(table);
    emulator.addTask({ id: JOB, status: 'FULL_TRANSFER_FAILED' });
    const env = { ...emulatorEnv(emulator), ...LOCAL_AWS_ENV, DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint };

    // Act
    const first = await invokeBuilt({ jobIds: [JOB] }, env);
    emulator.setStatus(JOB, 'INCRE_TRANSFER_FAILED');
    const second = await invokeBuilt({ jobIds: [JOB] }, env);

    // Assess: the second run holds the job back, by the attempt the first one recorded
    expect(first.result.ok && first.result.value.jobs[0]?.outcome).toBe('retried');
    expect(second.result.ok && second.result.value.jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^next attempt after /) });
    expect(first.besides).toEqual(['errors.cjs', 'ledger-dynamodb.cjs']);
  });

  it.each([
    ['DynamoDB', 'ledger-dynamodb.cjs', () => ({ ...LOCAL_AWS_ENV, DRS_LEDGER_TABLE: 'drs-auto-retry-ledger', DRS_LEDGER_ENDPOINT: `http://127.0.0.1:${closedPort}` })],
    ['PostgreSQL', 'ledger-postgres.cjs', () => ({ DRS_LEDGER_URL: `postgres://drs:secret-password@127.0.0.1:${closedPort}/drs` })],
  ])('fails the run with LEDGER_UNAVAILABLE when the %s ledger is down, an error of the family across the files', async (_name, file, ledgerEnv) => {
    // Prepare
    emulator.addTask({ id: JOB, status: 'FULL_TRANSFER_FAILED' });

    // Act
    const invocation = await invokeBuilt({ jobIds: [JOB] }, { ...emulatorEnv(emulator), ...ledgerEnv() });

    // Assess: a LedgerError from the side file is a DrsAutoRetryError of the bundle (else INTERNAL)
    expect(invocation.result.ok).toBe(false);
    expect(!invocation.result.ok && invocation.result.error).toMatchObject({ name: 'RunFailedError', code: 'LEDGER_UNAVAILABLE' });
    expect(invocation.besides).toEqual(['errors.cjs', file]);
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });

  it('loads the sinks and telling once beside it only with a sink, and a sink\'s own error is described as one of the family', async () => {
    // Prepare: a webhook receiver, and an SMN topic the run cannot publish to: scoped by project name
    // with a wrong password, it never learns its project, so it has no credentials to publish with
    const posts: string[] = [];
    const receiver = createHttpServer((request, response) => {
      request.resume().on('end', () => {
        posts.push(request.url ?? '');
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { OS_PROJECT_ID: _byName, ...byId } = emulatorEnv(emulator);
    const env = {
      ...byId, OS_PROJECT_NAME: 'eu-de', OS_PASSWORD: 'definitely-wrong',
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      NOTIFY_SMN_TOPIC_URN: 'urn:smn:eu-de:8c3e9f0a5b7d4e21a6f1c2d3b4e5f607:alerts',
    };

    // Act
    const invocation = await invokeBuilt({ jobIds: [JOB] }, env).finally(() => receiver.close());

    // Assess
    const logged = invocation.lines.map((line) => JSON.parse(line) as { msg?: string; report?: Report }).find((line) => line.msg === REPORT_MESSAGE);
    expect(logged?.report?.notifications).toEqual([
      { sink: 'webhook', ok: true },
      { sink: 'smn', ok: false, error: 'not sent: the run ended before it had OTC credentials to publish with' },
    ]);
    expect(posts).toEqual(['/hook']);
    expect(invocation.besides).toEqual(['errors.cjs', 'notify.cjs']);
  });

  it('tells a problem once, across two invocations, with the sinks, telling once and the DynamoDB ledger beside it', async () => {
    // Prepare: a task whose failure needs a person (not retried), a webhook receiver, a ledger
    const table = `ledger-told-${Math.random().toString(36).slice(2, 8)}`;
    await dynamo.createLedgerTable(table);
    emulator.addTask({ id: JOB, status: 'CREATE_FAILED' });
    let posts = 0;
    const receiver = createHttpServer((request, response) => {
      request.resume().on('end', () => {
        posts += 1;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const env = {
      ...emulatorEnv(emulator), ...LOCAL_AWS_ENV, DRS_LEDGER_TABLE: table, DRS_LEDGER_ENDPOINT: dynamo.endpoint,
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    };

    // Act
    const first = await invokeBuilt({ jobIds: [JOB] }, env);
    const postsAfterFirst = posts;
    const second = await invokeBuilt({ jobIds: [JOB] }, env).finally(() => receiver.close());

    // Assess: told by the first run, remembered in DynamoDB, not told again by the second
    expect(first.result.ok && first.result.value.notifications).toEqual([{ sink: 'webhook', ok: true }]);
    expect(postsAfterFirst).toBe(1);
    expect(second.result.ok && second.result.value.notifications).toEqual([]);
    expect(posts).toBe(1);
    expect(second.besides).toEqual(['errors.cjs', 'ledger-dynamodb.cjs', 'notify.cjs']);
  });
});
