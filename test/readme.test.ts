import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The README is the user's manual (issue 21, item 8): every `npm run` script it names is in
 * package.json, every file or folder of the repository it names exists, and every link into a
 * section (its table of contents included) lands on a heading.
 */

const README = readFileSync('README.md', 'utf8');
const SCRIPTS = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
/** Every file git knows, as a fresh clone has it. */
const TRACKED = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const TRACKED_NAMES = new Set(TRACKED.map((file) => basename(file)));
const TOP_LEVEL = new Set([...TRACKED.map((file) => file.split('/')[0] ?? ''), 'dist']);
/** What the build, packaging and CI scripts write: names a fresh clone has only after `npm ci` or `.ci/run`. */
const BUILD_SCRIPTS = ['package.json', '.ci/run', ...readdirSync('scripts').map((file) => join('scripts', file))]
  .map((file) => readFileSync(file, 'utf8')).join('\n');
const FILE_EXTENSION = /\.(json|ts|md|tf|ya?ml|mjs|cjs|js|sh|zip|sql|map)$/;

/** Inline code spans; fenced blocks are left out (their lines hold commands, checked for npm scripts above). */
const inlineCode = (text: string): string[] => [...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');

/** `npm run x`, `npm run -s x`, `npm test`: the script names the README tells a user to run. */
function npmScripts(text: string): string[] {
  const named = [...text.matchAll(/\bnpm run (?:-s |--silent )?([a-z][\w:.-]*)/g)].map((match) => match[1] ?? '');
  if (/\bnpm test\b/.test(text)) named.push('test');
  return [...new Set(named)];
}

/** Backticked and linked names that are paths in this repository (a first segment it has, or a file name). */
function repoPaths(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '').filter((target) => !/^[a-z]+:/.test(target));
  const named = inlineCode(text)
    .filter((code) => !/[\s<>{}*$=|,]/.test(code) && !/^[a-z]+:/.test(code) && !code.startsWith('-') && !code.startsWith('../'))
    .filter((code) => TOP_LEVEL.has(code.split('/')[0] ?? '') || (FILE_EXTENSION.test(code) && !code.includes('/')));
  return [...new Set([...links, ...named])];
}

/** Whether a named path exists in a fresh clone (a tracked file or folder), or is written by the build. */
function exists(path: string): boolean {
  const clean = path.replace(/\/$/, '');
  if (TRACKED.some((file) => file === clean || file.startsWith(`${clean}/`))) return true;
  if (BUILD_SCRIPTS.includes(clean)) return true; // e.g. .ci/logs, written by .ci/run
  if (clean.startsWith('dist/') || !clean.includes('/')) {
    if (clean === 'dist') return BUILD_SCRIPTS.includes("'dist'") || BUILD_SCRIPTS.includes('dist/');
    const name = basename(clean);
    // A bare file name is fine when some file has it (`manual.json` beside `events/schedule.json`),
    // or when a build script writes it (`index.js` in the FunctionGraph zip).
    return TRACKED_NAMES.has(name) || BUILD_SCRIPTS.includes(name) || BUILD_SCRIPTS.includes(name.replace(/\.[^.]+$/, ''));
  }
  return false;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutFences = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const text = (match[1] ?? '').replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

describe('README.md names only what exists', () => {
  it('every npm script it names is in package.json', () => {
    const named = npmScripts(README);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => SCRIPTS[name] === undefined)).toEqual([]);
  });

  it('every repository path it names exists in a fresh clone or is written by the build', () => {
    const named = repoPaths(README);
    expect(named).toEqual(expect.arrayContaining(['events/schedule.json', 'serverless.yml', 'BENCHMARKS.md']));
    expect(named.filter((path) => !exists(path))).toEqual([]);
  });

  it('every link into a section lands on a heading, in the README or in the file it links to', () => {
    const broken: string[] = [];
    for (const match of README.matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)) {
      const [, file = '', anchor = ''] = match;
      if (/^[a-z]+:/.test(file)) continue;
      const target = file === '' ? README : readFileSync(file, 'utf8');
      if (!anchors(target).has(anchor)) broken.push(`${file}#${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  it('opens with a table of contents that links every section, in order, the way to try it without a cloud account among the first', () => {
    const sections = [...README.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^## +(.+)$/gm)].map((match) => match[1] ?? '');
    const contents = sections.find((title) => /^contents$/i.test(title));
    expect(contents, 'a "## Contents" section').toBeDefined();
    const start = README.indexOf(`## ${contents ?? ''}`);
    const toc = README.slice(start, README.indexOf('\n## ', start + 1));
    const linked = [...toc.matchAll(/^\s*[-*] \[[^\]]+\]\(#([^)]+)\)/gm)].map((match) => match[1] ?? '');
    const slugs = [...anchors(sections.filter((title) => title !== contents).map((title) => `## ${title}`).join('\n'))];
    expect(linked.filter((anchor) => slugs.includes(anchor))).toEqual(slugs);
    expect(linked.slice(0, 3).join(' ')).toMatch(/quick-start|without-a-cloud-account/);
    // Before it, only the title and what the tool is: no more than a screen.
    expect(README.slice(0, start).split('\n').length).toBeLessThan(40);
  });
});

describe('the checks above can fail', () => {
  it('a missing script, a missing path and a broken anchor are found', () => {
    const text = 'Run `npm run no-such-script`, read `events/no-such.json` and [this](#no-such-section).';
    expect(npmScripts(text).filter((name) => SCRIPTS[name] === undefined)).toEqual(['no-such-script']);
    expect(repoPaths(text).filter((path) => !exists(path))).toEqual(['events/no-such.json']);
    expect(anchors('# A\n## B, c and `d`\n## B, c and `d`\n').has('b-c-and-d-1')).toBe(true);
    expect(anchors(README).has('no-such-section')).toBe(false);
  });
});
