// `npm run docs:settings`: rewrites README's settings tables from the schema (scripts/settingsTables.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { TABLES } from '../lib/input/settings/docs.js';
import { rewriteSettingsTables } from './settingsTables.js';

const readme = readFileSync('README.md', 'utf8');
const rewritten = rewriteSettingsTables(readme, TABLES);
if (rewritten === readme) {
  console.log('README.md: the settings tables are up to date');
} else {
  writeFileSync('README.md', rewritten);
  console.log(`README.md: rewrote the settings tables (${TABLES.join(', ')})`);
}
