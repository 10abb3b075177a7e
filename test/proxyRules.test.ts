import fc from 'fast-check';
import { getProxyForUrl } from 'proxy-from-env';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyFor } from '../lib/http/proxy.js';
import { readSettings } from '../lib/input/settings/read.js';
import { proxiesOf } from '../lib/input/settings/rules.js';

// lib/http/proxy.ts applies proxy-from-env's rules to values from the settings. proxy-from-env
// itself (the module axios reads the same variables with) reads process.env: it is the oracle.

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const proxyUrl = fc.constantFrom('http://proxy.corp.example:3128', 'proxy.corp.example:8080', 'https://u:p%40ss@secure.proxy:443', 'http://127.0.0.1:9');
const noProxy = fc.constantFrom('*', 'example.com', '.example.com', '*.example.com', 'example.com:443', 'EXAMPLE.COM', '127.0.0.1',
  'a.com, sub.example.com', 'localhost,[::1]', 'example.com:8080 other.org', ',');
const endpoint = fc.constantFrom('https://example.com', 'https://sub.example.com/v3/p1/jobs', 'https://example.com:8443', 'http://example.com:8080/x',
  'http://127.0.0.1:9100', 'https://[::1]:8443/', 'http://localhost', 'https://other.org', 'https://notexample.com');

describe('proxyFor', () => {
  it('picks the same proxy as proxy-from-env for every endpoint and setting of the proxy variables', () => {
    fc.assert(fc.property(
      fc.record(Object.fromEntries(PROXY_VARIABLES.map((name) => [name, maybe(name.toLowerCase().startsWith('no') ? noProxy : proxyUrl)]))),
      endpoint,
      (env: Record<string, string | undefined>, url) => {
        // Prepare
        for (const name of PROXY_VARIABLES) {
          if (env[name] === undefined) delete process.env[name];
          else process.env[name] = env[name];
        }

        // Act
        const expected = getProxyForUrl(url);
        const actual = proxyFor(url, proxiesOf(readSettings(env)));

        // Assess
        expect(actual?.href).toBe(expected === '' ? undefined : new URL(expected).href);
      },
    ), { numRuns: 1_000 });
  });
});
