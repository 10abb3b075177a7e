/**
 * Reading environment variables: unset and blank are the same, booleans and integers have one
 * spelling each, URLs are held to the shape their use needs. Every failure is a ConfigError
 * naming the variable, never echoing a secret.
 */
import { ConfigError } from '../errors.js';
import { proxyFor } from '../http/proxy.js';
import type { Env } from './settingsSource.js';
import { checkInteger, preview, type Limit } from './valueChecks.js';

export type { Env } from './settingsSource.js';

// Tokens and keys go into HTTP headers: a stray newline would break (or inject into) the request.
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const BOOLEAN_WORDS = new Map([['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]]);
// A password or raw webhook secret may really begin or end with a space; other values are trimmed.
const UNTRIMMED = new Set(['OS_PASSWORD', 'NOTIFY_WEBHOOK_SECRET']);


/** Reads a variable; empty, or blank for a trimmed one, counts as unset. */
export function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  const value = raw === undefined || UNTRIMMED.has(name) ? raw : raw.trim();
  return value === '' ? undefined : value;
}

export function readBoolean(env: Env, name: string): boolean | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const parsed = BOOLEAN_WORDS.get(value.toLowerCase());
  if (parsed !== undefined) return parsed;
  throw new ConfigError(`${name} must be true or false (1/0 and yes/no work too), got ${preview(value)}`, { field: name });
}

export function readInteger(env: Env, name: string, limit: Limit): number | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  // Digits only: Number() would also take "1e3", "0x10" and "".
  return checkInteger(/^\d{1,15}$/.test(value) ? Number(value) : Number.NaN, name, limit, value);
}

/** The first layer with a value wins ([value, field] pairs, highest first), then the variable, then the default. */
export function pickInteger(layers: Array<[number | undefined, string]>, env: Env, name: string, limit: Limit): number | undefined {
  for (const [value, field] of layers) if (value !== undefined) return checkInteger(value, field, limit);
  return readInteger(env, name, limit) ?? limit.default;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** origin: scheme://host[:port]; base: may have a path; webhook: may also have a query, kept verbatim. */
export type UrlShape = 'origin' | 'base' | 'webhook';

// URLs are never echoed: webhook URLs carry their secret in the path or query.
export function checkUrl(raw: string, name: string, shape: UrlShape, allowInsecure: boolean): string {
  const fail = (why: string): never => {
    throw new ConfigError(`${name} ${why}`, { field: name });
  };
  const url = URL.canParse(raw) ? new URL(raw) : fail('must be an absolute http(s) URL, such as https://host.example.com');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('must be an http(s) URL; use https://');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecure) {
    fail('uses plain http to a host that is not loopback, so credentials would travel unencrypted; use https '
      + '(or set DRS_ALLOW_INSECURE_HTTP=true for a test endpoint)');
  }
  // A loopback endpoint is safe in plain http only if the request stays on this machine.
  const proxy = url.protocol === 'http:' && !allowInsecure ? proxyFor(url.href) : undefined;
  if (proxy !== undefined && !isLoopback(proxy.hostname)) {
    fail(`would go through the proxy ${proxy.host} (HTTP_PROXY) in plain http, so credentials would travel unencrypted; `
      + 'add its host to NO_PROXY (or set DRS_ALLOW_INSECURE_HTTP=true for a test endpoint)');
  }
  if (shape === 'webhook') return raw;
  if (url.username !== '' || url.password !== '') fail('must not contain user:password; credentials come from the OS_* variables');
  if (url.search !== '' || url.hash !== '') fail('must not have a query or fragment; remove everything from "?" or "#"');
  if (shape === 'base') return url.href.replace(/\/+$/, '');
  if (url.pathname !== '/') fail('must be scheme://host[:port] only, without a path; the tool adds /v3/{project_id}/...');
  return url.origin;
}

export function headerSafe(value: string, name: string): string {
  if (HEADER_SAFE.test(value)) return value;
  throw new ConfigError(`${name} contains spaces, line breaks or non-ASCII characters; set it exactly as issued`, { field: name });
}

/** Names of the variables among `checks` that are unset. */
export function missing(checks: Array<[string, string | undefined]>): string[] {
  return checks.filter(([, value]) => value === undefined).map(([name]) => name);
}

/** Drops undefined properties, so optional fields are absent rather than present-and-undefined. */
export function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
