import { describe, expect, it } from 'vitest';
import { catchConfigError } from './support/catchConfigError.js';
import { normaliseEvent, parseEventJson, type Trigger } from '../lib/input/events.js';


function sns(...messages: unknown[]) {
  return {
    Records: messages.map((message) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-central-1:123456789012:drs:abc',
      Sns: { Type: 'Notification', MessageId: 'm1', Message: typeof message === 'string' ? message : JSON.stringify(message), MessageAttributes: { a: { Type: 'String', Value: 'x' } } },
    })),
  };
}

function sqs(...bodies: unknown[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:drs',
      attributes: { ApproximateReceiveCount: '1' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })),
  };
}

function timer(userEvent?: unknown) {
  return { version: 'v1.0', time: '2024-05-01T08:00:00+08:00', trigger_type: 'TIMER', trigger_name: 'every-10-min', user_event: userEvent };
}

function eventBridge(detailType: string, detail?: unknown) {
  return { version: '0', id: 'e1', source: 'aws.events', account: '123456789012', time: '2024-05-01T08:00:00Z', region: 'eu-central-1', resources: [], 'detail-type': detailType, detail };
}

describe('normaliseEvent: plain payloads', () => {
  it.each<[string, unknown]>([['null', null], ['undefined', undefined], ['{}', {}]])('%s means "use the configuration"', (_name, event) => {
    // Act
    const request = normaliseEvent(event);

    // Assess
    expect(request).toEqual({ trigger: 'manual', payload: {} });
  });

  it('uses the fallback trigger for a bare payload', () => {
    // Act
    const request = normaliseEvent({ dryRun: true }, 'schedule');

    // Assess
    expect(request).toEqual({ trigger: 'schedule', payload: { dryRun: true } });
  });

  it('validates and keeps every payload field', () => {
    // Prepare
    const event = {
      jobIds: ['job-1', 'job-2', 'job-1'], dryRun: true, discover: false, projectId: 'p0123456789abcdef', region: 'eu-nl',
      retryStatuses: ['incre_transfer_failed', 'FULL_TRANSFER_FAILED'], batchSize: 100, concurrency: 20,
    };

    // Act
    const request = normaliseEvent(event);

    // Assess
    expect(request).toEqual({
      trigger: 'manual',
      payload: {
        jobIds: ['job-1', 'job-2'], dryRun: true, discover: false, projectId: 'p0123456789abcdef', region: 'eu-nl',
        retryStatuses: ['INCRE_TRANSFER_FAILED', 'FULL_TRANSFER_FAILED'], batchSize: 100, concurrency: 20,
      },
    });
  });

  it.each<Trigger>(['schedule', 'event', 'manual'])('lets a "trigger": "%s" field override the detected trigger', (trigger) => {
    // Act
    const plain = normaliseEvent({ trigger, jobIds: ['a'] }, 'event');
    const wrapped = normaliseEvent(eventBridge('DRS task failed', { trigger }));

    // Assess
    expect(plain).toEqual({ trigger, payload: { jobIds: ['a'] } });
    expect(wrapped.trigger).toBe(trigger);
  });

  it('accepts the DRS request shape, alone and together with jobIds, ignoring is_sync_re_edit', () => {
    // Act
    const alone = normaliseEvent({ jobs: [{ job_id: 'j1', is_sync_re_edit: true }, { job_id: 'j2' }] });
    const mixed = normaliseEvent({ jobIds: ['j0', 'j2'], jobs: [{ job_id: 'j1' }, { job_id: 'j2' }], dryRun: true });

    // Assess
    expect(alone.payload).toEqual({ jobIds: ['j1', 'j2'] });
    expect(mixed.payload).toEqual({ jobIds: ['j0', 'j2', 'j1'], dryRun: true });
  });
});

describe('normaliseEvent: no event', () => {
  it('takes no event, null, and the blank string `serverless invoke local` passes without -p as the configuration alone', () => {
    for (const event of [undefined, null, '', '  \n']) expect(normaliseEvent(event)).toEqual({ trigger: 'manual', payload: {} });
  });
});

describe('normaliseEvent: envelopes', () => {
  it('maps an EventBridge Scheduled Event with an empty or absent detail to a schedule run on the configuration', () => {
    // Act
    const results = [eventBridge('Scheduled Event', {}), eventBridge('Scheduled Event'), eventBridge('Scheduled Event', '')].map((e) => normaliseEvent(e));

    // Assess
    for (const request of results) expect(request).toEqual({ trigger: 'schedule', payload: {} });
  });

  it('takes the payload of another EventBridge event from detail, as an object or a JSON string', () => {
    // Act
    const asObject = normaliseEvent(eventBridge('DRS Job Failed', { jobIds: ['j1'] }));
    const asString = normaliseEvent(eventBridge('DRS Job Failed', '{"jobs":[{"job_id":"j2"}],"dryRun":true}'));

    // Assess
    expect(asObject).toEqual({ trigger: 'event', payload: { jobIds: ['j1'] } });
    expect(asString).toEqual({ trigger: 'event', payload: { jobIds: ['j2'], dryRun: true } });
  });

  it('merges several SNS records: job IDs unioned in first-seen order, agreeing fields kept', () => {
    // Prepare
    const event = sns({ jobIds: ['a', 'b'], dryRun: true }, { jobIds: ['c', 'a'], dryRun: true, batchSize: 5 }, '');

    // Act
    const request = normaliseEvent(event);

    // Assess
    expect(request).toEqual({ trigger: 'event', payload: { jobIds: ['a', 'b', 'c'], dryRun: true, batchSize: 5 } });
  });

  it('merges several SQS records, including the DRS shape', () => {
    // Prepare
    const event = sqs({ jobs: [{ job_id: 'x' }] }, { jobIds: ['y', 'x'], region: 'eu-nl' }, { region: 'eu-nl' });

    // Act
    const request = normaliseEvent(event);

    // Assess
    expect(request).toEqual({ trigger: 'event', payload: { jobIds: ['x', 'y'], region: 'eu-nl' } });
  });

  it.each([
    ['SNS', sns({ dryRun: true }, { dryRun: false }), 'event.Records[1].Sns.Message.dryRun'],
    ['SQS', sqs({ batchSize: 5 }, { jobIds: ['a'] }, { batchSize: 6 }), 'event.Records[2].body.batchSize'],
    ['SQS statuses', sqs({ retryStatuses: ['FULL_TRANSFER_FAILED'] }, { retryStatuses: ['INCRE_TRANSFER_FAILED'] }), 'event.Records[1].body.retryStatuses'],
  ])('refuses %s records that disagree on a field', (_name, event, field) => {
    // Act
    const error = catchConfigError(() => normaliseEvent(event));

    // Assess
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/must agree on every field except jobIds/);
  });

  it('reads a FunctionGraph timer: user_event JSON is the payload, the trigger is schedule', () => {
    // Act
    const withPayload = normaliseEvent(timer('{"jobIds":["t1"],"discover":true}'));
    const empty = normaliseEvent(timer(''));
    const absent = normaliseEvent(timer());

    // Assess
    expect(withPayload).toEqual({ trigger: 'schedule', payload: { jobIds: ['t1'], discover: true } });
    expect(empty).toEqual({ trigger: 'schedule', payload: {} });
    expect(absent).toEqual({ trigger: 'schedule', payload: {} });
  });

  it('refuses a FunctionGraph user_event that is not JSON, naming line and column', () => {
    // Act
    const error = catchConfigError(() => normaliseEvent(timer('run please')));

    // Assess
    expect(error.field).toBe('event.user_event');
    expect(error.message).toMatch(/^event\.user_event is not valid JSON at line 1, column 1 \(position 0\)/);
  });
});

describe('normaliseEvent limits', () => {
  it('parses a 10,000-id payload quickly', () => {
    // Prepare
    const jobIds = Array.from({ length: 10_000 }, (_, i) => `0f1e2d3c-4b5a-6978-8796-${String(i).padStart(12, '0')}`);
    const event = sns({ jobIds: jobIds.slice(0, 6000) }, { jobIds: jobIds.slice(4000) });

    // Act
    const started = performance.now();
    const request = normaliseEvent(event);
    const elapsedMs = performance.now() - started;

    // Assess
    expect(request.payload.jobIds).toHaveLength(10_000);
    expect(request.payload.jobIds?.[9_999]).toBe(jobIds[9_999]);
    expect(elapsedMs).toBeLessThan(1_000);
  });

  it('accepts exactly 100,000 ids and refuses one more', () => {
    // Prepare
    const ids = Array.from({ length: 100_001 }, (_, i) => `j${i}`);

    // Act
    const accepted = normaliseEvent({ jobIds: ids.slice(0, 100_000) });
    const error = catchConfigError(() => normaliseEvent({ jobIds: ids }));

    // Assess
    expect(accepted.payload.jobIds).toHaveLength(100_000);
    expect(error.field).toBe('event.jobIds');
    expect(error.message).toMatch(/at most 100000 per event; split them/);
  });

  it('refuses more than 100,000 ids across merged records', () => {
    // Prepare
    const ids = Array.from({ length: 100_001 }, (_, i) => `j${i}`);

    // Act
    const error = catchConfigError(() => normaliseEvent(sqs({ jobIds: ids.slice(0, 60_000) }, { jobIds: ids.slice(60_000) })));

    // Assess
    expect(error.field).toBe('event.Records');
    expect(error.message).toMatch(/100001 job IDs/);
  });

  it('accepts 8 levels of nesting and refuses 9', () => {
    // Prepare
    const nest = (levels: number): unknown => (levels === 1 ? {} : { a: nest(levels - 1) });
    const eightDeep = { jobs: [{ job_id: 'x' }], extra: nest(6) };

    // Act
    const depthError = catchConfigError(() => normaliseEvent(nest(9)));
    const eightError = catchConfigError(() => normaliseEvent(eightDeep));

    // Assess
    expect(depthError.message).toMatch(/nested deeper than 8 levels/);
    expect(eightError.message).toMatch(/unknown field "extra"/);
  });
});

const longBad = `${'a'.repeat(100)}/`;

const BAD_EVENTS: Array<{ name: string; event: unknown; field: string; fix: RegExp }> = [
  { name: 'a typo in dryRun', event: { jobIds: ['a'], dryrun: true }, field: 'event.dryrun', fix: /unknown field "dryrun": did you mean "dryRun"\? \(known fields: jobIds, jobs, dryRun/ },
  { name: 'an unrelated field', event: { foo: 1 }, field: 'event.foo', fix: /fix the spelling or remove it \(known fields:/ },
  { name: 'snake_case job_ids', event: { job_ids: ['a'] }, field: 'event.job_ids', fix: /did you mean "jobIds"\?/ },
  { name: 'a typo in a DRS item', event: { jobs: [{ jobId: 'a' }] }, field: 'event.jobs[0].jobId', fix: /known fields: job_id, is_sync_re_edit/ },
  { name: 'a DRS item without job_id', event: { jobs: [{}] }, field: 'event.jobs[0].job_id', fix: /must be a string, got nothing/ },
  { name: 'dryRun as a string', event: { dryRun: 'true' }, field: 'event.dryRun', fix: /must be a boolean \(true or false\), got a string/ },
  { name: 'discover as null', event: { discover: null }, field: 'event.discover', fix: /must be a boolean .*got null/ },
  { name: 'jobIds as a string', event: { jobIds: 'a,b' }, field: 'event.jobIds', fix: /must be an array, got a string/ },
  { name: 'a number among jobIds', event: { jobIds: ['a', 7] }, field: 'event.jobIds[1]', fix: /must be a string, got a number/ },
  { name: 'a path in jobIds', event: { jobIds: ['a', 'b', 'c', '../etc'] }, field: 'event.jobIds[3]', fix: /jobIds\[3\] is not a valid DRS job ID: "\.\.\/etc"; a job ID is 1 to 128 letters/ },
  { name: 'a control character', event: { jobIds: ['a\u0000b'] }, field: 'event.jobIds[0]', fix: /"a\\u0000b"/ },
  { name: 'a quote and a space', event: { jobIds: ['a "b'] }, field: 'event.jobIds[0]', fix: /"a \\"b"/ },
  { name: 'an empty id', event: { jobIds: [''] }, field: 'event.jobIds[0]', fix: /not a valid DRS job ID: ""/ },
  { name: 'a 129-character id', event: { jobIds: ['a'.repeat(129)] }, field: 'event.jobIds[0]', fix: /1 to 128 letters/ },
  { name: 'a long bad id, cut to 60', event: { jobIds: [longBad] }, field: 'event.jobIds[0]', fix: /: "a{56}\.\.\.;/ },
  { name: 'batchSize 0', event: { batchSize: 0 }, field: 'event.batchSize', fix: /whole number from 1 to 100 \(got 0\)/ },
  { name: 'batchSize 2.5', event: { batchSize: 2.5 }, field: 'event.batchSize', fix: /whole number from 1 to 100/ },
  { name: 'concurrency 21', event: { concurrency: 21 }, field: 'event.concurrency', fix: /whole number from 1 to 20/ },
  { name: 'batchSize as a string', event: { batchSize: '10' }, field: 'event.batchSize', fix: /must be a number, got a string/ },
  { name: 'CREATE_FAILED to retry', event: { retryStatuses: ['CREATE_FAILED'] }, field: 'event.retryStatuses', fix: /must never be retried/ },
  { name: 'an unknown status', event: { retryStatuses: ['FAILED'] }, field: 'event.retryStatuses', fix: /allowed: FULL_TRANSFER_FAILED/ },
  { name: 'a bad region', event: { region: 'EU DE' }, field: 'event.region', fix: /such as eu-de or eu-nl/ },
  { name: 'a bad project id', event: { projectId: 'p/1' }, field: 'event.projectId', fix: /use the ID from the console/ },
  { name: 'an unknown trigger', event: { trigger: 'cron' }, field: 'event.trigger', fix: /one of schedule, event, manual/ },
  { name: 'an array event', event: [{ jobIds: ['a'] }], field: 'event', fix: /must be a JSON object, got an array/ },
  { name: 'a string event', event: '{"jobIds":["a"]}', field: 'event', fix: /must be a JSON object, got a string/ },
  { name: 'SNS inside SNS', event: sns(sns({ jobIds: ['a'] })), field: 'event.Records[0].Sns.Message', fix: /event nested too deep; put the payload itself/ },
  { name: 'EventBridge inside SQS', event: sqs(eventBridge('x', {})), field: 'event.Records[0].body', fix: /event nested too deep/ },
  { name: 'a timer inside EventBridge', event: eventBridge('x', timer('{}')), field: 'event.detail', fix: /event nested too deep/ },
  { name: 'an SNS message that is not JSON', event: sns('retry job a'), field: 'event.Records[0].Sns.Message', fix: /not valid JSON at line 1, column 1/ },
  { name: 'an SQS body that is a JSON array', event: sqs('["a"]'), field: 'event.Records[0].body', fix: /must be a JSON object \(the payload\), got an array/ },
  { name: 'an S3 record', event: { Records: [{ eventSource: 'aws:s3', s3: {} }] }, field: 'event.Records[0]', fix: /only SNS and SQS records are accepted/ },
  { name: 'empty Records', event: { Records: [] }, field: 'event.Records', fix: /non-empty array of SNS or SQS records/ },
  { name: 'a bad id inside SQS', event: sqs({ jobIds: ['ok'] }, { jobIds: ['no way'] }), field: 'event.Records[1].body.jobIds[0]', fix: /not a valid DRS job ID/ },
  { name: 'an APIG FunctionGraph trigger', event: { trigger_type: 'APIG', user_event: '{}' }, field: 'event.trigger_type', fix: /use a FunctionGraph TIMER trigger/ },
  { name: 'an object user_event', event: timer({ jobIds: ['a'] }), field: 'event.user_event', fix: /must be a string holding the JSON payload/ },
  { name: 'a payload field beside the EventBridge envelope', event: { ...eventBridge('Scheduled Event', {}), dryRun: true }, field: 'event.dryRun', fix: /sits on the envelope.*move it into the payload/ },
  { name: 'a payload field beside SNS records', event: { ...sns({}), jobIds: ['a'] }, field: 'event.jobIds', fix: /move it into the payload/ },
  { name: 'a bad EventBridge detail string', event: eventBridge('x', '{jobIds: 1}'), field: 'event.detail', fix: /not valid JSON at line 1, column 2/ },
];

describe('normaliseEvent rejects bad input', () => {
  it('has a table of at least 30 cases', () => {
    expect(BAD_EVENTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_EVENTS)('$name → ConfigError on $field', ({ event, field, fix }) => {
    // Act
    const error = catchConfigError(() => normaliseEvent(event));

    // Assess
    expect(error.field).toBe(field);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(fix);
  });
});

describe('parseEventJson', () => {
  it('parses a file payload (with a byte-order mark) as a manual run', () => {
    // Act
    const request = parseEventJson('\uFEFF{ "jobIds": ["a"], "dryRun": true }\n', 'events/manual.json');

    // Assess
    expect(request).toEqual({ trigger: 'manual', payload: { jobIds: ['a'], dryRun: true } });
  });

  it('understands envelopes in a file too', () => {
    // Act
    const request = parseEventJson(JSON.stringify(eventBridge('Scheduled Event', {})), 'events/eventbridge.json');

    // Assess
    expect(request).toEqual({ trigger: 'schedule', payload: {} });
  });

  it.each([
    ['a trailing comma', '{\n  "jobIds": ["a"],\n}', /^ev\.json is not valid JSON at line 3, column 1 \(position 21\)/],
    ['a bare word', '{\n  "dryRun": tru\n}', /^ev\.json is not valid JSON at line 2, column 16 \(position 17\): Unexpected token '\\n'$/],
    ['a cut-off file', '{"jobIds": ["a"', /^ev\.json is not valid JSON at line 1, column 16 \(position 15\)/],
    ['not JSON at all', 'jobIds=a', /^ev\.json is not valid JSON at line 1, column 1 \(position 0\)/],
  ])('names the source, line and column for %s', (_name, text, expected) => {
    // Act
    const error = catchConfigError(() => parseEventJson(text, 'ev.json'));

    // Assess
    expect(error.field).toBe('event');
    expect(error.message).toMatch(expected);
  });

  it('refuses an empty source, saying what to give', () => {
    // Act
    const error = catchConfigError(() => parseEventJson('  \n', 'stdin'));

    // Assess
    expect(error.message).toMatch(/^stdin is empty; give a JSON object such as \{\}/);
  });

  it('prefixes validation errors with the source and keeps the field', () => {
    // Act
    const error = catchConfigError(() => parseEventJson('{"dryrun": true}', 'stdin'));

    // Assess
    expect(error.field).toBe('event.dryrun');
    expect(error.message).toMatch(/^stdin: event has unknown field "dryrun"/);
  });
});
