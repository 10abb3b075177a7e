/**
 * The parser of the settings schema (./schema.ts): one face's settings source in, every declared
 * variable out, typed, defaulted and checked by its zod type. A bad value, a misspelt name or two names of
 * one variable that disagree is a ConfigError that names the variable and the fix, and never
 * holds a secret's value.
 */
import type * as z from 'zod/mini';
import { ConfigError } from '../../errors.js';
import { SETTINGS, type SettingName } from './schema.js';
import type { Setting } from './setting.js';
import type { Env } from './source.js';

type Declared = typeof SETTINGS;
type ValueOf<S> = S extends { type: z.ZodMiniType<infer T, string> } ? (S extends { default: unknown } ? T : T | undefined) : never;

/** Every variable the tool parses, by name: its value, its default, or undefined when unset without one. */
export type Settings = { -readonly [K in SettingName as Declared[K] extends { type: unknown } ? K : never]: ValueOf<Declared[K]> };

const DECLARED: ReadonlyArray<[string, Setting]> = Object.entries(SETTINGS);

/** The declared variables the tool parses (node reads the others itself). */
const PARSED = DECLARED.filter((entry): entry is [string, Setting & Required<Pick<Setting, 'type'>>] => entry[1].type !== undefined);


/** Every name the tool knows: declared names and their aliases. */
export const KNOWN_NAMES: ReadonlySet<string> = new Set(DECLARED.flatMap(([name, setting]) => [name, ...(setting.aliases?.names ?? [])]));

/** The variable's text; unset, empty and (unless it is read as is) blank are all "not set". */
function textOf(env: Env, name: string, setting: Setting): string | undefined {
  const raw = env[name];
  const value = raw === undefined || setting.untrimmed ? raw : raw.trim();
  return value === '' ? undefined : value;
}

/** The text of a variable that has aliases: the lower-case proxy forms win, OS_DOMAIN_NAME must agree. */
function resolvedText(env: Env, name: string, setting: Setting): string | undefined {
  const own = textOf(env, name, setting);
  if (setting.aliases === undefined) return own;
  const { names, rule } = setting.aliases;
  for (const alias of names) {
    const value = textOf(env, alias, setting);
    if (value === undefined) continue;
    if (rule === 'alias wins') return value;
    if (own !== undefined && own !== value) throw new ConfigError(`${name} and ${alias} differ; set only one of them`, { field: alias });
    return value;
  }
  return own;
}

// Names as people mistype them: case, "_" and "-".
const squash = (name: string) => name.toLowerCase().replace(/[_-]/g, '');

/** Edit distance with transpositions, capped: only "at most `cap`" matters. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? cap + 1;
}

// Only the tool's own families are checked: the environment holds many other tools' variables.
const OWN_PREFIX = /^(DRS|NOTIFY|OS|SMN)_/i;

/** The declared name that `name` is a slip of (case, separators, or up to two letters), if any. */
export function meantName(name: string): string | undefined {
  if (KNOWN_NAMES.has(name) || !OWN_PREFIX.test(name)) return undefined;
  const declared = DECLARED.map(([known]) => known);
  return declared.find((known) => squash(known) === squash(name))
    ?? declared.find((known) => distance(known, name.toUpperCase(), 2) <= 2);
}

/**
 * A misspelt variable is an error, not a warning: `DRS_DRYRUN=true` must never turn into a real
 * retry. Only a source that can list its names (the environment) is checked.
 */
function checkSpelling(env: Env): void {
  for (const name of Object.keys(env)) {
    const meant = meantName(name);
    if (meant === undefined || (env[name] ?? '').trim() === '') continue;
    throw new ConfigError(`${name} is not a setting of drs-auto-retry: did you mean ${meant}? Rename it, or remove it`, { field: name });
  }
}

/** `message` with the value of every secret that is set replaced, whatever check wrote it. */
export function maskSecrets(message: string, env: Env): string {
  let masked = message;
  for (const [name, setting] of DECLARED) {
    if (!setting.secret) continue;
    for (const variable of [name, ...(setting.aliases?.names ?? [])]) {
      const value = env[variable]?.trim();
      if (value !== undefined && value.length >= 4) masked = masked.split(value).join('[secret]');
    }
  }
  return masked;
}

/**
 * Reads every declared variable from `env` (one face's settings source) and parses it with its
 * zod type, in the schema's order; the first problem is thrown. An unset variable takes its
 * default, copied, so that no run can change the next one's.
 * @throws ConfigError naming the variable and the fix.
 */
export function readSettings(env: Env): Settings {
  checkSpelling(env);
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of PARSED) {
    const text = resolvedText(env, name, setting);
    if (text === undefined) {
      settings[name] = structuredClone(setting.default);
      continue;
    }
    const result = setting.type.safeParse(text);
    if (result.success) {
      settings[name] = result.data;
      continue;
    }
    const issue = result.error.issues[0];
    const cause = issue?.code === 'custom' ? (issue.params as { cause?: unknown } | undefined)?.cause : undefined;
    throw new ConfigError(maskSecrets(`${name} ${issue?.message ?? 'is invalid'}`, env), { field: name, cause });
  }
  return settings as Settings;
}

/** The declared settings that are http(s) endpoints the tool sends to, in the schema's order. */
export const ENDPOINT_SETTINGS = PARSED.filter(([, setting]) => setting.endpoint).map(([name]) => name as keyof Settings);
