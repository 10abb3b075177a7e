/**
 * README's table of failure causes ("Why did it fail?"), rendered from the default rules
 * (lib/core/failureCauses.ts). It sits between `<!-- causes -->` and `<!-- /causes -->` in
 * README.md; `npm run docs:causes` rewrites it, and test/causesReadme.test.ts parses it back and
 * fails when it and the code disagree.
 */
import { DEFAULT_CAUSE_RULES, UNKNOWN_CAUSE, type CauseRule, type CauseSource } from '../lib/core/failureCauses.js';

// A code span that holds a backtick is fenced with two, and spaces (CommonMark).
const code = (value: string) => (value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``);
// A table cell cannot hold a bare "|".
const cell = (value: string) => value.replace(/\|/g, '\\|');

const source = (each: CauseSource) => (each.url === undefined ? each.label : `[${each.label}](${each.url})`);

function row(rule: CauseRule): string {
  const matches = [...rule.match.map(code), ...rule.pattern.map((pattern) => code(`/${pattern}/`))];
  return `| ${code(rule.id)} | ${cell(matches.join(', '))} | ${rule.retry ? 'yes' : '**no**: a person'} | ${cell(rule.hint)} | ${rule.sources.map(source).join(', ')} |`;
}

/** The table: a row per default rule, in the code's order, then `unknown`. */
export function renderCausesTable(): string {
  return [
    '| id | DRS\'s text contains (any of; case-insensitive) | resumed automatically | what it means, and what a person does | source |',
    '|---|---|---|---|---|',
    ...DEFAULT_CAUSE_RULES.map(row),
    `| ${code(UNKNOWN_CAUSE.id)} | anything else, or no text | yes (as the status allows) | ${cell(UNKNOWN_CAUSE.hint)} | – |`,
  ].join('\n');
}

const START = '<!-- causes -->';
const END = '<!-- /causes -->';

/** `readme` with the text between the markers replaced by the table. */
export function rewriteCausesTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  return `${readme.slice(0, start + START.length)}\n${renderCausesTable()}\n${readme.slice(end)}`;
}
