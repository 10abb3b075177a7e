/**
 * What the declaration of one setting says (lib/input/settings/schema.ts), and the kinds of value
 * a setting can hold, as zod types from the variable's text. A type's messages are the words after
 * the variable's name; they quote a value only where it is not a secret.
 */
import * as z from 'zod/mini';
import { jobId, preview, retryStatuses, wholeNumberText, type Limit } from '../values.js';

/** The ways the tool runs: the CLI, the Lambda function, the FunctionGraph function. */
export const FACES = ['cli', 'lambda', 'functiongraph'] as const;
export type Face = (typeof FACES)[number];

/** The declaration of one variable (its README text is in ./docs.ts). */
export interface Setting<T = unknown> {
  /** Parses the variable's text. Absent for a variable node reads itself, which is only documented. */
  type?: z.ZodMiniType<T, string>;
  /** The faces whose runs it changes. */
  faces: readonly Face[];
  /** The value when the variable is unset. */
  default?: T;
  /** The values it takes, where the doc does not say them, as README shows them after the doc, e.g. `1..100`. */
  range?: string;
  /** Never quoted in a message or a log; encrypted user data on FunctionGraph. */
  secret?: boolean;
  /** Read as is: a password or raw secret may really begin or end with a space. */
  untrimmed?: boolean;
  /** An http(s) URL the tool sends to, so plain http is held to the loopback rule. */
  endpoint?: boolean;
  /** Other names of the same variable, and which value counts when both are set. */
  aliases?: { names: readonly string[]; rule: 'alias wins' | 'must agree' };
}

/** A value check on the trimmed text; `message` follows the variable's name. */
function rule(test: (text: string) => boolean, message: (text: string) => string): z.ZodMiniType<string, string> {
  return z.string().check(z.refine(test, { error: (issue) => message(String(issue.input)) }));
}

/** Any text. */
export const text = (): { type: z.ZodMiniType<string, string> } => ({ type: z.string() });

/** Text of a fixed shape; `what` is what the message calls it, `fix` what to use instead. */
export const shaped = (pattern: RegExp, what: string, fix: string) => ({
  type: rule((value) => pattern.test(value), (value) => `is not ${what}: ${preview(value)}; ${fix}`),
});

const BOOLEAN_WORDS = new Map([['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]]);

/** true/false, 1/0 or yes/no, in any case. */
export const flag = (fallback = false) => ({
  type: z.pipe(
    rule((value) => BOOLEAN_WORDS.has(value.toLowerCase()), (value) => `must be true or false (1/0 and yes/no work too), got ${preview(value)}`),
    z.transform((value) => BOOLEAN_WORDS.get(value.toLowerCase()) === true),
  ) as z.ZodMiniType<boolean, string>,
  default: fallback,
});

/** A whole number within `limit`, its default the limit's. */
export function integer(limit: Limit & { default: number }): { type: z.ZodMiniType<number, string>; range: string; default: number };
export function integer(limit: Limit): { type: z.ZodMiniType<number, string>; range: string };
export function integer(limit: Limit) {
  const declared = { type: wholeNumberText(limit) as z.ZodMiniType<number, string>, range: `${limit.min}..${limit.max}` };
  return limit.default === undefined ? declared : { ...declared, default: limit.default };
}

/** One of `words`, in any case; the value is lower-cased. */
export function oneOf<const W extends string>(words: readonly W[], fallback: W): { type: z.ZodMiniType<W, string>; default: W };
export function oneOf<const W extends string>(words: readonly W[]): { type: z.ZodMiniType<W, string> };
export function oneOf<const W extends string>(words: readonly W[], fallback?: W) {
  const type = z.pipe(
    rule((value) => (words as readonly string[]).includes(value.toLowerCase()), (value) => `must be one of ${words.join(', ')} (got ${preview(value)})`),
    z.transform((value) => value.toLowerCase() as W),
  ) as z.ZodMiniType<W, string>;
  return fallback === undefined ? { type } : { type, default: fallback };
}

// Tokens and keys go into HTTP headers: a stray newline would break (or inject into) the request.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** A token or key, exactly as issued. */
export const credential = () => ({
  type: rule((value) => HEADER_SAFE.test(value), () => 'contains spaces, line breaks or non-ASCII characters; set it exactly as issued'),
});

/** origin: scheme://host[:port]; base: may have a path; webhook: may also have a query, kept verbatim. */
export type UrlShape = 'origin' | 'base' | 'webhook';

/** An http(s) URL of `shape`; never quoted, since webhook URLs carry their secret in the path or query. */
export const url = (shape: UrlShape) => ({
  type: z.pipe(z.string(), z.transform((raw, context) => {
    const fail = (why: string) => {
      context.issues.push({ code: 'custom', message: why, input: raw });
      return z.NEVER;
    };
    if (!URL.canParse(raw)) return fail('must be an absolute http(s) URL, such as https://host.example.com');
    const parsed = new URL(raw);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return fail('must be an http(s) URL; use https://');
    if (shape === 'webhook') return raw;
    if (parsed.username !== '' || parsed.password !== '') return fail('must not contain user:password; credentials come from the OS_* variables');
    if (parsed.search !== '' || parsed.hash !== '') return fail('must not have a query or fragment; remove everything from "?" or "#"');
    if (shape === 'base') return parsed.href.replace(/\/+$/, '');
    if (parsed.pathname !== '/') return fail('must be scheme://host[:port] only, without a path; the tool adds /v3/{project_id}/...');
    return parsed.origin;
  })) as z.ZodMiniType<string, string>,
  endpoint: true,
});

/** Job IDs separated by commas, spaces or newlines; each one is checked. */
export const jobIdList = () => ({
  type: z.pipe(z.string(), z.transform((value, context) => {
    const ids = value.split(/[\s,]+/).filter(Boolean);
    for (const [i, id] of ids.entries()) {
      const result = jobId.safeParse(id);
      if (!result.success) {
        context.issues.push({ code: 'custom', message: `entry ${i + 1} ${result.error.issues[0]?.message ?? ''}`, input: value });
        return z.NEVER;
      }
    }
    return ids;
  })) as z.ZodMiniType<string[], string>,
});

/** A comma list of the statuses to retry. */
export const statusList = (fallback: readonly string[]) => ({
  type: z.pipe(z.pipe(z.string(), z.transform((value) => value.split(','))), retryStatuses) as z.ZodMiniType<string[], string>,
  default: [...fallback],
});

/** A PostgreSQL URL. It holds the database password, so no message repeats any part of it. */
export const postgresUrl = () => ({
  type: z.pipe(z.string(), z.transform((raw, context) => {
    const fail = (what: string, cause?: unknown) => {
      const message = `${what}; use postgres://user:password@host:5432/database, with special characters in the password percent-encoded`;
      context.issues.push({ code: 'custom', message, input: raw, params: { cause } });
      return z.NEVER;
    };
    const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
    if (parsed === undefined || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) return fail('is not a PostgreSQL URL');
    if (parsed.hostname === '') return fail('has no host');
    if (parsed.username === '') return fail('has no user name');
    try {
      decodeURIComponent(parsed.username + parsed.password + parsed.pathname);
    } catch (error) {
      return fail('has a malformed %-escape', error);
    }
    return raw;
  })) as z.ZodMiniType<string, string>,
});

/** A webhook signing secret: `whsec_<base64>`, or any other text used as raw bytes. */
export const webhookSecret = () => ({
  // A mistyped whsec_ secret would make every signature wrong without any error.
  type: rule(
    (value) => !value.startsWith('whsec_') || /^[A-Za-z0-9+/]+={0,2}$/.test(value.slice(6)),
    () => 'starts with whsec_ but the rest is not base64; copy it exactly as issued',
  ),
  untrimmed: true,
});
