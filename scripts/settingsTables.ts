/**
 * README's settings tables, rendered from the one schema (lib/input/settings/schema.ts) and its
 * README text (lib/input/settings/docs.ts). Each
 * table sits between `<!-- settings:NAME -->` and `<!-- /settings:NAME -->` in README.md;
 * `npm run docs:settings` rewrites them, and test/settingsDrift.test.ts fails when they differ.
 */
import { SETTING_DOCS, type SettingDoc, type SettingsTable } from '../lib/input/settings/docs.js';
import { SETTINGS, type SettingName } from '../lib/input/settings/schema.js';
import { FACES, type Face, type Setting } from '../lib/input/settings/setting.js';

const FACE_NAMES: Record<Face, string> = { cli: 'the CLI', lambda: 'Lambda', functiongraph: 'FunctionGraph' };

const code = (value: string) => `\`${value}\``;

/** A setting with its README text. */
type Documented = Setting & SettingDoc;

function shownDefault(setting: Documented): string {
  if (setting.shownDefault !== undefined) return setting.shownDefault;
  const value = setting.default;
  if (value === undefined) return '–';
  return code(Array.isArray(value) ? value.join(',') : String(value));
}

function nameCell(name: string, setting: Documented): string {
  const aliases = setting.aliases?.names.map(code).join(', ');
  if (aliases === undefined) return code(name);
  return setting.aliases?.rule === 'alias wins' ? `${code(name)} (or ${aliases}, which wins)` : `${code(name)} (alias ${aliases})`;
}

function meaningCell(setting: Documented): string {
  const parts = [setting.doc];
  if (setting.range !== undefined) parts.push(`(${setting.range})`);
  if (setting.faces.length < FACES.length) parts.push(`· ${setting.faces.map((face) => FACE_NAMES[face]).join(' and ')} only`);
  if (setting.secret) parts.push('· **secret**');
  return parts.join(' ');
}

/** One README table: a row per setting it lists, in the schema's order. */
export function renderSettingsTable(table: SettingsTable): string {
  const rows = (Object.entries(SETTINGS) as Array<[SettingName, Setting]>)
    .map(([name, setting]): [SettingName, Documented] => [name, { ...setting, ...(SETTING_DOCS[name] as SettingDoc) }])
    .filter(([, setting]) => setting.table === table)
    .map(([name, setting]) => `| ${nameCell(name, setting)} | ${meaningCell(setting)} | ${shownDefault(setting)} |`);
  return ['| Variable | Meaning | Default |', '|---|---|---|', ...rows].join('\n');
}

const block = (table: string) => new RegExp(`(<!-- settings:${table} -->\\n)[\\s\\S]*?(<!-- /settings:${table} -->)`);

/** README with every settings table rendered afresh; throws if a table's markers are missing. */
export function rewriteSettingsTables(readme: string, tables: readonly SettingsTable[]): string {
  let text = readme;
  for (const table of tables) {
    if (!block(table).test(text)) throw new Error(`README.md has no <!-- settings:${table} --> … <!-- /settings:${table} --> markers`);
    text = text.replace(block(table), (_match, start: string, end: string) => `${start}${renderSettingsTable(table)}\n${end}`);
  }
  return text;
}
