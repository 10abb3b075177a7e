import { describe, expect, it } from 'vitest';
import { matchCause, ruleOrder } from '../lib/core/causeRuleSet.js';
import { ConfigError } from '../lib/errors.js';
import { parseCauseRules, readCauseRules, resolveCauseRules } from '../lib/input/causeRules.js';
import { catchConfigError } from './support/catchConfigError.js';

const drs = (text: string) => `service INCREMENT failed, cause by: ${text}`;

/** The error for `value`, which must name the variable and the field at fault. */
function refused(value: string): ConfigError {
  const error = catchConfigError(() => readCauseRules(value));
  expect(error.message).toContain('DRS_CAUSE_RULES');
  expect(error.field?.startsWith('DRS_CAUSE_RULES')).toBe(true);
  expect(error.code).toBe('CONFIG_INVALID');
  return error;
}

describe('DRS_CAUSE_RULES', () => {
  it('unset or blank changes nothing', () => {
    expect(readCauseRules(undefined)).toEqual([]);
    expect(readCauseRules('  ')).toEqual([]);
    expect(readCauseRules('[]')).toEqual([]);
  });

  it('takes the documented shape: changes to default rules, to unknown, and new rules', () => {
    const value = JSON.stringify([
      { id: 'disk-full', retry: true },
      { id: 'unknown', retry: false, hint: 'Unrecognised: page the DBA on call.' },
      { id: 'vendor-timeout', match: 'Read timed out', retry: true, hint: 'The source answered too slowly.' },
      { id: 'ddl-lock', pattern: ['Waiting for table metadata lock.*ALTER'], retry: false, hint: ' Finish the ALTER, then resume. ', doc: 'https://wiki.example.com/ddl-lock' },
    ]);
    expect(readCauseRules(value)).toEqual([
      { id: 'disk-full', retry: true },
      { id: 'unknown', retry: false, hint: 'Unrecognised: page the DBA on call.' },
      { id: 'vendor-timeout', match: ['Read timed out'], retry: true, hint: 'The source answered too slowly.' },
      { id: 'ddl-lock', pattern: ['Waiting for table metadata lock.*ALTER'], retry: false, hint: 'Finish the ALTER, then resume.', doc: 'https://wiki.example.com/ddl-lock' },
    ]);
    const rules = resolveCauseRules(value);
    expect(ruleOrder(rules).slice(0, 3)).toEqual(['disk-full', 'vendor-timeout', 'ddl-lock']);
    expect(matchCause(drs('No space left on device'), rules)).toMatchObject({ id: 'disk-full', retry: true });
    expect(matchCause(drs('java.net.SocketTimeoutException: READ TIMED OUT'), rules)).toMatchObject({ id: 'vendor-timeout', retry: true });
    expect(matchCause(drs('Waiting for table metadata lock: ALTER TABLE t ADD c INT'), rules)).toMatchObject({ id: 'ddl-lock', doc: 'https://wiki.example.com/ddl-lock' });
    expect(matchCause(drs('never seen'), rules)).toMatchObject({ id: 'unknown', retry: false });
  });

  it('reads the @path form through the reader the command line gives', () => {
    const files: Record<string, string> = { 'rules.json': '\uFEFF[{"id":"lock-wait","retry":false,"hint":"Kill the long transaction."}]' };
    const read = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    };
    expect(readCauseRules('@rules.json', read)).toEqual([{ id: 'lock-wait', retry: false, hint: 'Kill the long transaction.' }]);
    const missing = catchConfigError(() => readCauseRules('@nope.json', read));
    expect(missing.message).toMatch(/^DRS_CAUSE_RULES names the file "nope.json", which cannot be read: ENOENT/);
    files['bad.json'] = '[{"id":"lock-wait","retyr":false}]';
    const bad = catchConfigError(() => readCauseRules('@bad.json', read));
    expect(bad.field).toBe('DRS_CAUSE_RULES[0].retyr');
    const broken = catchConfigError(() => readCauseRules('@broken.json', (path) => (path === 'broken.json' ? '[{' : '')));
    expect(broken.message).toMatch(/^DRS_CAUSE_RULES \(file broken.json\) is not valid JSON at line 1, column 3/);
  });

  it('refuses @path where no file can be read (the functions)', () => {
    expect(refused('@/tmp/rules.json').message).toMatch(/only the command line reads; put the JSON itself in the variable/);
    expect(catchConfigError(() => readCauseRules('@', () => '')).message).toMatch(/without a file name/);
  });

  it.each([
    ['bad JSON', '[{"id":"disk-full","retry":true,}]', 'DRS_CAUSE_RULES', /^DRS_CAUSE_RULES is not valid JSON at line 1, column 33 \(position 32\)/],
    ['not an array', '{"id":"disk-full","retry":true}', 'DRS_CAUSE_RULES', /^DRS_CAUSE_RULES must be a JSON array of rules/],
    ['an object around the array', '{"rules":[{"id":"disk-full","retry":true}]}', 'DRS_CAUSE_RULES', /not an object around it/],
    ['an unknown field', '[{"id":"disk-full","retry":true,"hnit":"x"}]', 'DRS_CAUSE_RULES[0].hnit', /DRS_CAUSE_RULES\[0\] has unknown field "hnit": did you mean "hint"\?/],
    ['a misspelt field', '[{"id":"disk-full","Retry":true}]', 'DRS_CAUSE_RULES[0].Retry', /did you mean "retry"/],
    ['retry as a string', '[{"id":"disk-full","retry":"no"}]', 'DRS_CAUSE_RULES[0].retry', /DRS_CAUSE_RULES\[0\]\.retry must be true or false, got a string/],
    ['match as a number', '[{"id":"x-y","match":5,"retry":true,"hint":"h"}]', 'DRS_CAUSE_RULES[0].match', /must be a string or an array of strings, got a number/],
    ['a number in match', '[{"id":"x-y","match":["abc",5],"retry":true,"hint":"h"}]', 'DRS_CAUSE_RULES[0].match', /must be a string or an array of strings/],
    ['no id', '[{"retry":true}]', 'DRS_CAUSE_RULES[0].id', /DRS_CAUSE_RULES\[0\]\.id must be a string, got nothing/],
    ['an entry that is not an object', '["disk-full"]', 'DRS_CAUSE_RULES[0]', /DRS_CAUSE_RULES\[0\] must be an object, got a string/],
    ['an invalid pattern', '[{"id":"x-y","pattern":["(unclosed"],"retry":false,"hint":"h"}]', 'DRS_CAUSE_RULES[0].pattern[0]',
      /DRS_CAUSE_RULES\[0\]\.pattern\[0\] is not a valid regular expression: Invalid regular expression/],
    ['a pattern that matches any text', '[{"id":"x-y","pattern":[".*"],"retry":false,"hint":"h"}]', 'DRS_CAUSE_RULES[0].pattern[0]', /matches any text/],
    ['a match piece too short', '[{"id":"x-y","match":[" a "],"retry":false,"hint":"h"}]', 'DRS_CAUSE_RULES[0].match[0]', /3 to 200 characters/],
    ['a new rule without hint', '[{"id":"my-rule","match":["boom"],"retry":false}]', 'DRS_CAUSE_RULES[0].id', /\("my-rule"\) is a new rule, so it needs "hint"/],
    ['a new rule without match', '[{"id":"my-rule","retry":false,"hint":"h"}]', 'DRS_CAUSE_RULES[0].id', /needs "match" or "pattern"/],
    ['a misspelt default id', '[{"id":"disk_full","retry":true}]', 'DRS_CAUSE_RULES[0].id', /did you mean "disk-full"\?/],
    ['a mistyped default id', '[{"id":"dupliate-key","retry":true}]', 'DRS_CAUSE_RULES[0].id', /is not a default rule \(did you mean "duplicate-key"\?\)/],
    ['an id with capitals', '[{"id":"Disk-Full","retry":true}]', 'DRS_CAUSE_RULES[0].id', /lower-case letters, digits and "-"/],
    ['a repeated id', '[{"id":"disk-full","retry":true},{"id":"disk-full","retry":false}]', 'DRS_CAUSE_RULES[1].id', /repeats the id "disk-full" of DRS_CAUSE_RULES\[0\]/],
    ['match on unknown', '[{"id":"unknown","match":["abc"]}]', 'DRS_CAUSE_RULES[0].match', /"unknown", which is what matches no rule/],
    ['an entry that changes nothing', '[{"id":"heap"}]', 'DRS_CAUSE_RULES[0]', /changes nothing/],
    ['a hint on two lines', '[{"id":"heap","hint":"a\\nb"}]', 'DRS_CAUSE_RULES[0].hint', /one line/],
    ['a plain-http doc', '[{"id":"heap","doc":"http://wiki.example.com"}]', 'DRS_CAUSE_RULES[0].doc', /https:\/\/ link/],
  ])('refuses %s, naming the variable and the field', (_name, value, field, message) => {
    const error = refused(value);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses more than 200 rules', () => {
    const many = JSON.stringify(Array.from({ length: 201 }, (_, i) => ({ id: `r${i}`, match: ['abc'], retry: true, hint: 'h' })));
    expect(refused(many).message).toMatch(/201 rules, at most 200/);
  });

  it('parseCauseRules names its source in a JSON error', () => {
    expect(catchConfigError(() => parseCauseRules('nope', 'DRS_CAUSE_RULES (file x.json)')).message).toMatch(/^DRS_CAUSE_RULES \(file x.json\) is not valid JSON/);
  });
});
