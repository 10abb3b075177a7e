import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCauseRules, matchCause } from '../lib/core/causeRuleSet.js';
import { DEFAULT_CAUSE_RULES, UNKNOWN_CAUSE, type CauseSource } from '../lib/core/failureCauses.js';
import { parseCauseRules } from '../lib/input/causeRules.js';
import { renderCausesTable } from '../scripts/causesTable.js';

/**
 * README "Why did it fail?" and the code cannot drift: its table of causes is parsed back, cell by
 * cell, and compared with lib/core/failureCauses.ts; its DRS_CAUSE_RULES example is parsed as the
 * run parses it.
 */
const README = readFileSync('README.md', 'utf8');

function between(start: string, end: string): string {
  const from = README.indexOf(start);
  const to = README.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`README.md lacks ${start} … ${end}`);
  return README.slice(from + start.length, to);
}

/** The cells of one Markdown table row, `\|` unescaped. */
const cellsOf = (row: string): string[] =>
  row.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));

/** `` `a`, `/b/` `` → pieces ['a'] and patterns ['b']. */
function matchesOf(cell: string): { match: string[]; pattern: string[] } {
  const codes = [...cell.matchAll(/`` (.+?) ``|`([^`]+)`/g)].map((m) => m[1] ?? m[2] ?? '');
  return {
    match: codes.filter((code) => !/^\/.*\/$/.test(code)),
    pattern: codes.filter((code) => /^\/.*\/$/.test(code)).map((code) => code.slice(1, -1)),
  };
}

/** `[label](url), label` → sources. */
const sourcesOf = (cell: string): CauseSource[] =>
  cell === '–' ? [] : cell.split(/, (?=\[|[A-Z])/).map((part) => {
    const link = /^\[(.+)\]\((https:\/\/[^)]+)\)$/.exec(part);
    return link ? { label: link[1] ?? '', url: link[2] ?? '' } : { label: part };
  });

const rows = () =>
  between('<!-- causes -->', '<!-- /causes -->').trim().split('\n').slice(2).map(cellsOf);

describe('README "Why did it fail?"', () => {
  it('lists every default rule, in the code\'s order, and then unknown', () => {
    expect(rows().map((cells) => cells[0])).toEqual([...DEFAULT_CAUSE_RULES.map((rule) => `\`${rule.id}\``), '`unknown`']);
  });

  it.each(DEFAULT_CAUSE_RULES.map((rule) => [rule.id, rule] as const))('says what the code says of %s', (id, rule) => {
    // Act
    const [, matches = '', retry, hint, sources = ''] = rows().find((cells) => cells[0] === `\`${id}\``) ?? [];

    // Assess
    expect(matchesOf(matches)).toEqual({ match: rule.match, pattern: rule.pattern });
    expect(retry).toBe(rule.retry ? 'yes' : '**no**: a person');
    expect(hint).toBe(rule.hint);
    expect(sourcesOf(sources)).toEqual(rule.sources.map((source) => (source.url === undefined ? { label: source.label } : source)));
  });

  it('says what the code says of unknown', () => {
    const unknown = rows().at(-1) ?? [];
    expect(unknown.slice(2, 4)).toEqual(['yes (as the status allows)', UNKNOWN_CAUSE.hint]);
  });

  it('is what npm run docs:causes writes', () => {
    expect(between('<!-- causes -->\n', '\n<!-- /causes -->')).toBe(renderCausesTable());
  });

  it('shows a DRS_CAUSE_RULES example the run accepts, and which does what it says', () => {
    // Prepare
    const section = between('### Changing the rules (`DRS_CAUSE_RULES`)', '\n## ');
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

    // Act
    const rules = buildCauseRules(parseCauseRules(example));

    // Assess
    expect(matchCause('service LOGMANAGER failed, cause by: No space left on device', rules)).toMatchObject({ id: 'disk-full', retry: true });
    expect(matchCause('service DATAMOVE failed, cause by: Read timed out', rules)).toMatchObject({ id: 'vendor-timeout', retry: true });
    expect(matchCause('Waiting for table metadata lock on ALTER TABLE t', rules)).toMatchObject({ id: 'ddl-lock', doc: 'https://wiki.example.com/runbooks/drs-ddl-lock' });
    expect(matchCause('something new', rules)).toMatchObject({ id: 'unknown', retry: false });
  });

  it('quotes the messages a bad DRS_CAUSE_RULES really gives', () => {
    const said = (text: string) => {
      try {
        parseCauseRules(text);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    for (const message of [
      said('[{"id":"disk-full",}]').replace(/ \(position.*$/, ''),
      said('[{"id":"disk-full","retyr":false}]').replace(/ \(fields.*$/, ''),
      said('[{"id":"disk-full","retry":true},{"id":"heap","retry":true},{"id":"vendor-timeout","match":"Read timed out","retry":true}]'),
    ]) {
      expect(message).not.toBe('');
      expect(README).toContain(message.replace(/: Expected.*$/, ''));
    }
  });
});
