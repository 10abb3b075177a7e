// npm run lint runs this: the layers of the house (README "Architecture") as a check, so the
// drawing stays true. It reads every relative import in lib/, functions/ and bin/ with
// TypeScript's own import scanner (type-only imports count: they tie the files together too) and
// fails on
// - an import circle inside lib/;
// - the engine importing anything but lib/core, its own files, lib/errors.ts and lib/log.ts;
// - an adapter (drs, http, auth, ledger, notify) importing the engine other than engine/ports.ts,
//   or importing the composition root or the input parsing above it;
// - lib/core importing outside lib/core;
// - a file over 300 lines.
// `node scripts/checkLayers.mjs [root] [--stats]`; --stats also prints the numbers behind it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A file that does one thing stays under this many lines (../shared/DESIGN.md §1). */
export const MAX_LINES = 300;
const SCANNED = ['lib', 'functions', 'bin'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const ADAPTERS = new Set(['drs', 'http', 'auth', 'ledger', 'notify']);
/** What the engine may import besides itself. */
const ENGINE_SEES = new Set(['core', 'errors.ts', 'log.ts']);

function sourceFiles(root) {
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) found.push(path);
    }
  };
  for (const top of SCANNED) if (existsSync(join(root, top))) walk(join(root, top));
  return found;
}

/** `lib/engine/run.ts` → `engine`; `lib/errors.ts` → `errors.ts`; outside lib/ → undefined. */
function layerOf(file) {
  const parts = file.split('/');
  return parts[0] === 'lib' ? parts[1] : undefined;
}

/** The file a relative specifier names: TypeScript's NodeNext style writes `./x.js` for `./x.ts`. */
function resolveImport(root, importer, specifier) {
  const target = resolve(dirname(join(root, importer)), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), target.replace(/\.cjs$/, '.cts'), `${target}.ts`, join(target, 'index.ts')];
  const hit = candidates.find((path) => existsSync(path) && statSync(path).isFile());
  return hit === undefined ? undefined : relative(root, hit).split(sep).join('/');
}

/** Every file-to-file relative import: `{ from, to, specifier }`, `to` undefined when it names no file. */
export function readImports(root) {
  const files = sourceFiles(root).map((path) => relative(root, path).split(sep).join('/'));
  const lines = new Map();
  const imports = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    lines.set(file, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    const seen = new Set();
    for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const to = resolveImport(root, file, specifier);
      // Two statements from one file (a type import beside a value import) are one tie.
      if (seen.has(to ?? specifier)) continue;
      seen.add(to ?? specifier);
      imports.push({ from: file, to, specifier });
    }
  }
  return { files, lines, imports };
}

/** Import circles among lib/'s files (Tarjan's strongly connected components), each as a list of files. */
function circlesIn(files, imports) {
  const edges = new Map(files.map((file) => [file, []]));
  for (const { from, to } of imports) if (to !== undefined && edges.has(to) && from.startsWith('lib/')) edges.get(from).push(to);
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const circles = [];
  const visit = (file) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file)) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file), index.get(next)));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || edges.get(file).includes(file)) circles.push(component.sort());
  };
  for (const file of files) if (file.startsWith('lib/') && !index.has(file)) visit(file);
  return circles;
}

/** Why an import breaks the layers, or undefined when it is allowed. */
function breachOf({ from, to }) {
  const source = layerOf(from);
  const target = layerOf(to);
  if (source === undefined || target === undefined || source === target) return undefined;
  if (source === 'core') return 'lib/core is pure and imports only lib/core';
  if (source === 'engine' && !ENGINE_SEES.has(target)) return 'the engine imports only lib/core, its own files, lib/errors.ts and lib/log.ts';
  if (ADAPTERS.has(source)) {
    if (target === 'engine' && to !== 'lib/engine/ports.ts') return 'an adapter imports nothing from the engine but lib/engine/ports.ts';
    if (target === 'app' || target === 'input') return 'an adapter imports nothing above it (lib/app, lib/input)';
  }
  return undefined;
}

/**
 * The whole check over a project root. Returns the breaches (one line each) and the numbers
 * behind them: circles, the engine's imports by folder, lines per folder.
 */
export function checkLayers(root) {
  const { files, lines, imports } = readImports(root);
  const breaches = [];
  for (const edge of imports) {
    if (edge.to === undefined) {
      breaches.push(`${edge.from}: imports ${edge.specifier}, which names no file`);
      continue;
    }
    const why = breachOf(edge);
    if (why !== undefined) breaches.push(`${edge.from} imports ${edge.to}: ${why}`);
  }
  const circles = circlesIn(files, imports);
  for (const circle of circles) breaches.push(`import circle: ${circle.join(' ↔ ')}`);
  for (const file of files) {
    if (lines.get(file) > MAX_LINES) breaches.push(`${file} has ${lines.get(file)} lines: split it (at most ${MAX_LINES})`);
  }
  const engineImports = {};
  for (const { from, to } of imports) {
    if (layerOf(from) !== 'engine' || to === undefined) continue;
    const target = to.startsWith('lib/') ? layerOf(to) : to;
    engineImports[target] = (engineImports[target] ?? 0) + 1;
  }
  const linesByFolder = {};
  for (const file of files) {
    const folder = file.split('/').slice(0, file.startsWith('lib/') && file.split('/').length > 2 ? 2 : 1).join('/');
    linesByFolder[folder] = (linesByFolder[folder] ?? 0) + lines.get(file);
  }
  return { breaches, circles, engineImports, linesByFolder, files: files.length, imports: imports.length };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = resolve(args.find((arg) => !arg.startsWith('--')) ?? '.');
  const result = checkLayers(root);
  if (args.includes('--stats')) {
    console.log(`files ${result.files}, relative imports ${result.imports}, circles ${result.circles.length}, breaches ${result.breaches.length}`);
    console.log(`engine imports by folder: ${JSON.stringify(result.engineImports)}`);
    console.log(`lines by folder: ${JSON.stringify(result.linesByFolder)}`);
  }
  for (const breach of result.breaches) console.error(breach);
  if (result.breaches.length > 0) {
    console.error(`checkLayers: ${result.breaches.length} breach(es) of the layers (README "Architecture")`);
    process.exitCode = 1;
  } else if (!args.includes('--stats')) {
    console.log(`checkLayers: ${result.files} files, ${result.imports} relative imports, layers kept`);
  }
}
