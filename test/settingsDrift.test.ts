import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_NAMES, meantName, readSettings } from '../lib/input/settings/read.js';
import { SETTING_DOCS, TABLES, type SettingDoc } from '../lib/input/settings/docs.js';
import { SETTINGS } from '../lib/input/settings/schema.js';
import type { Face, Setting } from '../lib/input/settings/setting.js';
import { rewriteSettingsTables } from '../scripts/settingsTables.js';
import { parseHcl, type HclFile } from './support/hcl.js';

/**
 * The settings schema (lib/input/settings/schema.ts) against everything that repeats its names:
 * README's tables and prose, serverless.yml's function environment and params, and the
 * Terraform's user data. A variable a face reads must be settable where that face is deployed,
 * or declared `notDeployed` with the reason.
 */

/** Each setting with its README text (lib/input/settings/docs.ts). */
const DECLARED = Object.entries(SETTINGS).map(([name, setting]): [string, Setting & SettingDoc] => [
  name, { ...(setting as Setting), ...(SETTING_DOCS as Record<string, SettingDoc>)[name] as SettingDoc },
]);
const readBy = (face: Face) => DECLARED.filter(([, setting]) => setting.faces.includes(face));
/** Names of the tool's own families (and the proxies) wherever they are written. */
const NAME_IN_TEXT = /\b(?:(?:DRS|NOTIFY|OS|SMN)_[A-Z0-9_]*[A-Z0-9]|(?:HTTPS?|ALL|NO)_PROXY)\b/g;
const namesIn = (text: string) => new Set(text.match(NAME_IN_TEXT) ?? []);

const README = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('shows the schema\'s tables, as `npm run docs:settings` writes them', () => {
    expect(rewriteSettingsTables(README, TABLES), 'README.md is out of date: run npm run docs:settings').toBe(README);
  });

  it('names no variable the schema does not declare (but the misspelt one its example refuses)', () => {
    const refusedExample = (name: string) => meantName(name) !== undefined && README.includes(`${name} is not a setting of drs-auto-retry`);
    expect([...namesIn(README)].filter((name) => !KNOWN_NAMES.has(name) && !refusedExample(name))).toEqual([]);
  });

  it('has README text for every setting and for nothing else (lib/input/settings/docs.ts)', () => {
    expect(Object.keys(SETTING_DOCS)).toEqual(Object.keys(SETTINGS));
  });

  it('has a one-line doc for every setting, which a Markdown table can hold', () => {
    for (const [name, setting] of DECLARED) {
      expect(setting.doc, name).not.toMatch(/[\n|]/);
      expect(setting.doc.length, name).toBeGreaterThan(10);
    }
  });
});

/** The `key: value` lines one level inside the section that `header` opens (comments skipped). */
function yamlMapping(text: string, path: string[]): Map<string, string> {
  const lines = text.split('\n');
  let at = 0;
  for (const [depth, key] of path.entries()) {
    const found = lines.findIndex((line, i) => i >= at && line === `${'  '.repeat(depth)}${key}:`);
    if (found < 0) throw new Error(`serverless.yml has no ${path.slice(0, depth + 1).join('.')}`);
    at = found + 1;
  }
  const indent = '  '.repeat(path.length);
  const entries = new Map<string, string>();
  for (const line of lines.slice(at)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!line.startsWith(indent)) break;
    const entry = new RegExp(`^${indent}([A-Za-z_][\\w]*): ?(.*)$`).exec(line);
    if (entry?.[1] !== undefined) entries.set(entry[1], (entry[2] ?? '').replace(/^'(.*)'$/, '$1'));
  }
  return entries;
}

const SERVERLESS = readFileSync('serverless.yml', 'utf8');
const environment = yamlMapping(SERVERLESS, ['provider', 'environment']);
const defaultParams = yamlMapping(SERVERLESS, ['params', 'default']);
const localParams = yamlMapping(SERVERLESS, ['params', 'local']);
/** What serverless.yml sets in the function's environment that is not a setting of the tool. */
const NOT_SETTINGS = new Map([['NODE_OPTIONS', "node's own: the function's heap tuning"]]);
const paramOf = (value: string) => /^\$\{param:(\w+)\}$/.exec(value)?.[1];

describe('serverless.yml (the Lambda function)', () => {
  it('sets every variable Lambda reads, unless the schema says why not', () => {
    const missing = readBy('lambda').filter(([name, setting]) => setting.notDeployed?.serverless === undefined && !environment.has(name));
    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('sets nothing else: no variable Lambda does not read, none the schema keeps out, no alias', () => {
    const lambdaNames = new Set(readBy('lambda').filter(([, setting]) => setting.notDeployed?.serverless === undefined).map(([name]) => name));
    expect([...environment.keys()].filter((name) => !lambdaNames.has(name) && !NOT_SETTINGS.has(name))).toEqual([]);
  });

  it('takes each variable from a param with a default, which the local stage copies from the same shell variable', () => {
    for (const [name, value] of environment) {
      if (NOT_SETTINGS.has(name)) continue;
      const param = paramOf(value);
      expect(param, `${name} is not \${param:…}`).toBeDefined();
      expect(defaultParams.has(param ?? ''), `params.default.${param}`).toBe(true);
      expect(localParams.get(param ?? ''), `params.local.${param}`).toBe(`\${env:${name}, ''}`);
    }
  });

  it('deploys NOTIFY_ON at the schema\'s default, so a deployment tells each problem once', () => {
    expect(defaultParams.get(paramOf(environment.get('NOTIFY_ON') ?? '') ?? '')).toBe(SETTINGS.NOTIFY_ON.default);
  });

  it('has default params that the schema accepts', () => {
    for (const [name, value] of environment) {
      const text = defaultParams.get(paramOf(value) ?? '')?.replace('${sls:stage}', 'dev');
      // Secrets are resolved at deploy time; an empty value is unset.
      if (text === undefined || text === '' || text.startsWith('${self:')) continue;
      expect(() => readSettings({ [name]: text }), `${name}=${text}`).not.toThrow();
    }
  });
});

const MODULE = join('deploy', 'functiongraph');
let terraform: Map<string, HclFile>;
let userData: { plain: Map<string, string>; secret: Map<string, string>; expressions: { plain: string; secret: string } };
let secretSettingsDoc = '';

/** `NAME = expression` pairs of the object literals in a locals expression. */
function mapped(expression: string): Map<string, string> {
  return new Map([...expression.matchAll(/\b([A-Z][A-Z0-9_]*)\s*=(?!=)\s*([^\n}]+)/g)].map((match) => [match[1] ?? '', (match[2] ?? '').trim()]));
}

function variableDefault(name: string): string | undefined {
  const block = terraform.get('variables.tf')?.body.blocks.find((b) => b.type === 'variable' && b.labels[0] === name);
  const value = block?.body.attributes.find((attribute) => attribute.name === 'default');
  if (value === undefined || value.expression === 'null') return undefined;
  return value.literal ?? (value.expression === '[]' ? '' : value.expression);
}

beforeAll(async () => {
  const files = readdirSync(MODULE).filter((file) => file.endsWith('.tf'));
  terraform = new Map(await Promise.all(files.map(async (file) => [file, await parseHcl(readFileSync(join(MODULE, file), 'utf8'))] as const)));
  const locals = [...terraform.values()].flatMap((file) => file.body.blocks).filter((block) => block.type === 'locals');
  const expression = (name: string) => locals.flatMap((block) => block.body.attributes).find((attribute) => attribute.name === name)?.expression ?? '';
  userData = {
    plain: mapped(expression('user_data')),
    secret: mapped(expression('secrets')),
    expressions: { plain: expression('user_data'), secret: expression('secrets') },
  };
  const secretSettings = terraform.get('variables.tf')?.body.blocks.find((b) => b.type === 'variable' && b.labels[0] === 'secret_settings');
  secretSettingsDoc = secretSettings?.body.attributes.find((attribute) => attribute.name === 'description')?.literal ?? '';
});

describe('deploy/functiongraph (the FunctionGraph function)', () => {
  it('merges the free-form settings into plain user data and the secret ones into encrypted user data', () => {
    expect(userData.expressions.plain).toContain('var.settings');
    expect(userData.expressions.secret).toContain('var.secret_settings');
  });

  it('lets every variable FunctionGraph reads be set: a secret one encrypted, unless the schema says why not', () => {
    const namedSecrets = namesIn(secretSettingsDoc);
    for (const [name, setting] of readBy('functiongraph')) {
      const settable = setting.secret ? userData.secret.has(name) || namedSecrets.has(name) : true;
      if (setting.notDeployed?.terraform !== undefined) {
        expect(userData.plain.has(name) || userData.secret.has(name) || namedSecrets.has(name), `${name} is offered, but the schema says: ${setting.notDeployed.terraform}`).toBe(false);
      } else {
        expect(settable, `${name}: map it, or name it in secret_settings' description`).toBe(true);
      }
    }
  });

  it('puts plain settings in plain user data and secrets in encrypted user data only', () => {
    const secret = (name: string) => Boolean(DECLARED.find(([declared]) => declared === name)?.[1].secret);
    expect([...userData.plain.keys()].filter(secret)).toEqual([]);
    expect([...userData.secret.keys(), ...namesIn(secretSettingsDoc)].filter((name) => !secret(name))).toEqual([]);
  });

  it('names no variable FunctionGraph does not read, in any file of the module', () => {
    const fgNames = new Set(readBy('functiongraph').flatMap(([name, setting]) => [name, ...(setting.aliases?.names ?? [])]));
    for (const file of [...readdirSync(MODULE).filter((f) => f.endsWith('.tf')), 'terraform.tfvars.example']) {
      const unknown = [...namesIn(readFileSync(join(MODULE, file), 'utf8'))].filter((name) => !fgNames.has(name));
      expect(unknown, file).toEqual([]);
    }
  });

  it('has defaults, for the variables it maps, that the schema accepts', () => {
    for (const [name, expression] of userData.plain) {
      const variable = /var\.(\w+)/.exec(expression)?.[1];
      const value = variable === undefined ? undefined : variableDefault(variable);
      if (value !== undefined && value !== '') expect(() => readSettings({ [name]: value }), `${name}=${value}`).not.toThrow();
    }
  });
});

/** A DRS job id as README's examples show one: 36 characters. */
const JOB_ID = '140b5236-88ad-43c8-811c-1268453jb101';
const PASSWORD = 'x'.repeat(24);
const idsFitting = (room: number) => Math.floor((room + 1) / (JOB_ID.length + 1));

describe('how many job ids fit in DRS_JOB_IDS', () => {
  it('matches README: about 100, about 90 on Lambda and about 105 on FunctionGraph', () => {
    // Lambda: all variables together at most 4 KB (keys and values), with serverless.yml's
    // defaults and the default credentials (a password from the stage's secret).
    const lambdaUsed = [...environment].reduce((sum, [name, value]) => {
      const param = paramOf(value);
      const text = param === undefined ? value : (defaultParams.get(param) ?? '').replace('${sls:stage}', 'prod');
      const resolved = text.startsWith('${self:custom.credentialRefs') ? (param === 'osPassword' ? PASSWORD : '') : text;
      return sum + name.length + (name === 'DRS_JOB_IDS' ? 0 : resolved.length);
    }, 0);
    const onLambda = idsFitting(4096 - lambdaUsed);

    // FunctionGraph: jsonencode(user data) + jsonencode(encrypted user data) at most 4,096
    // characters (main.tf's precondition), with the module's defaults and a PostgreSQL ledger.
    const plain = Object.fromEntries([...userData.plain].filter(([, expression]) => !expression.includes('==')).map(([name, expression]) => [
      name, name === 'DRS_JOB_IDS' ? '' : variableDefault(/var\.(\w+)/.exec(expression)?.[1] ?? '') ?? '',
    ]));
    const secret = { DRS_LEDGER_URL: `postgres://drs_auto_retry:${PASSWORD}@192.168.0.12:5432/drs?sslmode=verify-full` };
    const onFunctionGraph = idsFitting(4096 - JSON.stringify(plain).length - JSON.stringify(secret).length);

    // Assess
    const said = (pattern: RegExp, text: string) => Number(pattern.exec(text)?.[1]);
    const claimed = said(/about (\d+) fit/, SETTING_DOCS.DRS_JOB_IDS.doc);
    expect([onLambda, onFunctionGraph].every((measured) => Math.abs(claimed - measured) <= 0.15 * measured), `${onLambda}, ${onFunctionGraph}`).toBe(true);
    expect(Math.abs(said(/about\s+(\d+)\s+on\s+Lambda/, README) - onLambda), `${onLambda} on Lambda`).toBeLessThanOrEqual(5);
    expect(Math.abs(said(/about\s+(\d+)\s+on\s+FunctionGraph/, README) - onFunctionGraph), `${onFunctionGraph} on FunctionGraph`).toBeLessThanOrEqual(5);
  });
});
