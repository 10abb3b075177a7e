import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../lib/core/failureKind.js';
import { backoffDelayMs, isTransient, parseRetryAfterMs } from '../lib/http/retryPolicy.js';
import { parseOtcErrorBody } from '../lib/http/otcErrorBody.js';

describe('retry policy', () => {
  it.each([
    [0, undefined, false, 'network'],
    [500, 'DRS.M00004', true, 'server'],
    [502, undefined, false, 'server'],
    [429, 'APIG.0308', true, 'throttled'],
    [400, 'DRS.M01503', true, 'throttled'],
    [403, 'APIG.0308', true, 'throttled'],
    [401, 'APIG.1002', true, 'unauthorized'],
    [403, 'DRS.M00100', true, 'unauthorized'],
    [403, 'DRS.M00261', true, 'final'],
    [400, 'DRS.M00301', true, 'final'],
    [200, undefined, false, 'malformed'],
  ] as const)('HTTP %i %s (parsed: %s) is %s', (status, code, parsed, kind) => {
    expect(classifyFailure(status, code, parsed)).toBe(kind);
  });

  it('retries only transient kinds', () => {
    expect(['network', 'server', 'throttled', 'malformed'].every((k) => isTransient(k as never))).toBe(true);
    expect(isTransient('final')).toBe(false);
    expect(isTransient('unauthorized')).toBe(false);
  });

  it('uses full jitter under a capped exponential ceiling', () => {
    const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, options, undefined, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, options, undefined, () => 0.999)).toBe(799);
    expect(backoffDelayMs(10, options, undefined, () => 0.999)).toBe(999);
    expect(backoffDelayMs(10, options, undefined, () => 0)).toBe(0);
  });

  it('honours Retry-After, capped', () => {
    const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };
    expect(backoffDelayMs(0, options, 2000)).toBe(2000);
    expect(backoffDelayMs(0, options, 60_000)).toBe(5000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfterMs('3')).toBe(3000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    expect(parseRetryAfterMs('Fri, 27 Nov 2026 08:00:10 GMT', Date.parse('2026-11-27T08:00:00Z'))).toBe(10_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
  });
});

describe('OTC error bodies', () => {
  it.each([
    ['DRS flat', { error_code: 'DRS.M00301', error_msg: 'There are duplicate job_id in request.' }, 'DRS.M00301', 'There are duplicate job_id in request.'],
    ['error_message spelling', { error_code: 'DRS.M05003', error_message: 'Task information not found.' }, 'DRS.M05003', 'Task information not found.'],
    ['SMN', { request_id: 'r1', code: 'SMN.0006', message: 'Topic not found.' }, 'SMN.0006', 'Topic not found.'],
    ['Keystone-style', { error: { code: 401, message: 'The request you have made requires authentication.' } }, '401', 'The request you have made requires authentication.'],
  ])('parses the %s shape', (_name, body, code, message) => {
    expect(parseOtcErrorBody(body)).toMatchObject({ code, message });
  });

  it('parses per-item results with either message spelling', () => {
    const parsed = parseOtcErrorBody({
      results: [
        { id: 'a', status: 'failed', error_code: 'DRS.M05003', error_msg: 'Task information not found.' },
        { id: 'b', error_code: 'DRS.M05004', error_message: 'The task has been deleted or the resource has been released.' },
        { nonsense: true },
      ],
    });
    expect(parsed.results).toEqual([
      { id: 'a', status: 'failed', errorCode: 'DRS.M05003', errorMessage: 'Task information not found.' },
      { id: 'b', status: undefined, errorCode: 'DRS.M05004', errorMessage: 'The task has been deleted or the resource has been released.' },
    ]);
  });

  it('gives nothing for bodies that are not objects', () => {
    expect(parseOtcErrorBody('<html>')).toEqual({});
    expect(parseOtcErrorBody(undefined)).toEqual({});
  });
});
