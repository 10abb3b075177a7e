// `npm run docs:causes`: rewrites README's table of failure causes from the code (scripts/causesTable.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { rewriteCausesTable } from './causesTable.js';

const readme = readFileSync('README.md', 'utf8');
const rewritten = rewriteCausesTable(readme);
if (rewritten === readme) {
  console.log('README.md: the table of failure causes is up to date');
} else {
  writeFileSync('README.md', rewritten);
  console.log('README.md: rewrote the table of failure causes');
}
