// esbuild settings shared by every bundle (scripts/build.mjs, scripts/packageFunctionGraph.mjs).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * pino without the parts lib/log.ts never runs: transports (thread-stream, worker threads, and
 * pino's transport and multistream modules) and sonic-boom (pino.destination), since lib/log.ts
 * hands pino its own synchronous stream, and on-exit-leak-free, which only flushes those two at
 * exit. About 26 KB. A left-out part asked for by mistake fails loudly, not silently.
 */
export const noPinoTransports = {
  name: 'no-pino-transports',
  setup(bundler) {
    bundler.onResolve({ filter: /^(thread-stream|sonic-boom|on-exit-leak-free)$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    bundler.onResolve({ filter: /^\.\/(lib\/)?(transport|multistream)$/ }, (args) =>
      args.importer.includes(`${sep}pino${sep}`) ? { path: args.path, namespace: 'left-out' } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: "module.exports = function leftOut() { throw new Error('pino transports and destinations are left out of this bundle (scripts/bundleOptions.mjs)'); };",
      loader: 'js',
    }));
  },
};

export const FAIL = (what) => `throw new Error(${JSON.stringify(`${what} is left out of this bundle (scripts/bundleOptions.mjs)`)})`;

/** A patch that serves each replacement's `contents` instead of every file its `filter` matches. */
export const replace = (name, ...replacements) => ({
  name,
  setup(bundler) {
    for (const { filter, contents } of replacements) bundler.onLoad({ filter }, () => ({ contents, loader: 'js' }));
  },
});
export const inAxios = (path) => new RegExp(`[\\\\/]axios[\\\\/]lib[\\\\/]${path}$`);
export const aPackage = (name, file = '') => new RegExp(`[\\\\/]node_modules[\\\\/]${name}[\\\\/]${file}`);

/**
 * The parts of axios left out of the bundles, one named patch per feature. The tool sends JSON,
 * never multipart, follows no redirect (maxRedirects 0 makes axios call node's http/https
 * itself), and always hands axios an explicit proxy setting and agents (lib/http/proxy.ts), so
 * none of these parts is ever reached. Each left-out module throws if it is ever called, so a
 * mistake fails loudly rather than silently.
 *
 * Each patch is kept for what it measurably saves in the Lambda bundle (bench/bundlePatches.ts,
 * 15 interleaved processes each, CPU time of the module init): at least 5 ms or 10 KB, except
 * `redirects` (8 KB, 2-4 ms), kept so that the bundle stays within its 224 KB cap; it stubs a
 * whole package, whose use by axios does not change between minors. Seven smaller patches of
 * axios's own files (data: URLs, progress streams, HTTP/2, the status-code table, interceptors,
 * option validation, CancelToken: 9 KB and about 3 ms together) were dropped: each could break the
 * build on the next axios release. bench/bundlePatches.ts keeps them, to measure them again.
 */
export const AXIOS_PATCHES = [
  // form-data pulls in mime-types → mime-db, a 130 KB JSON table of every MIME type that also
  // costs about 15 ms of init, plus combined-stream, asynckit and get-intrinsic: 155 KB in all.
  replace('multipart',
    { filter: aPackage('form-data'), contents: `module.exports = class FormData { constructor() { ${FAIL('form-data')}; } };` },
    { filter: inAxios('helpers[\\\\/](formDataToStream|formDataToJSON)\\.js'), contents: `export default () => { ${FAIL("axios's FormData helpers")}; };` },
    { filter: inAxios('helpers[\\\\/]toFormData\\.js'), contents: `export const DEFAULT_FORM_DATA_MAX_DEPTH = 100; export default () => { ${FAIL("axios's toFormData")}; };` }),
  {
    // axios's utils.js reads `globalThis.FormData` when it loads, and in node that getter loads
    // undici, node's fetch implementation, for a class the tool never sends. The read is replaced
    // by `undefined` (isFormData then only recognises FormData by its shape).
    name: 'FormData read',
    setup(bundler) {
      bundler.onLoad({ filter: inAxios('utils\\.js') }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (source.includes(AXIOS_FORMDATA_READ)) return { contents: source.replace(AXIOS_FORMDATA_READ, 'const FormDataCtor = undefined;'), loader: 'js' };
        // A later axios reads it differently: the bundle still works, it only loads undici again.
        console.warn('scripts/bundleOptions.mjs: axios utils.js no longer reads FormData as expected; its "FormData read" patch is not applied');
        return undefined;
      });
    },
  },
  replace('redirects', {
    filter: aPackage('follow-redirects', 'index\\.js$'),
    contents: `const request = () => { ${FAIL('follow-redirects')}; }; module.exports = { http: { request }, https: { request } };`,
  }),
  replace('fetch and XHR adapters',
    { filter: inAxios('adapters[\\\\/]fetch\\.js'), contents: `export const getFetch = () => { ${FAIL("axios's fetch adapter")}; }; export default undefined;` },
    { filter: inAxios('adapters[\\\\/]xhr\\.js'), contents: 'export default false;' }),
  // lib/http/proxy.ts picks the route by proxy-from-env's rules (axios's own reader of the
  // variables), applied to the run's settings, and tunnels through a keep-alive agent of its own.
  replace('own proxy path',
    { filter: aPackage('https-proxy-agent'), contents: `module.exports = class HttpsProxyAgent { constructor() { ${FAIL('https-proxy-agent')}; } };` },
    { filter: aPackage('debug', 'src[\\\\/]index\\.js$'), contents: 'module.exports = () => () => {};' },
    { filter: inAxios('helpers[\\\\/]shouldBypassProxy\\.js'), contents: `export default () => { ${FAIL("axios's own proxy helpers")}; };` }),
];
const AXIOS_FORMDATA_READ = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";

/** One esbuild plugin that applies the given patches (bench/bundlePatches.ts tries other sets). */
export const axiosPatches = (patches) => ({
  name: 'axios-http-only',
  setup(bundler) {
    for (const patch of patches) patch.setup(bundler);
  },
});

/** axios with its Node http adapter only. */
export const axiosHttpOnly = axiosPatches(AXIOS_PATCHES);

/** A file of the project that declares an error class (lib/errors.ts and each file of a subclass). */
const ERROR_CLASS = /\bclass \w+ extends \w*Error\b/;

/**
 * esbuild's keepNames, for the files that declare an error class. Minification renames classes,
 * and each class of the DrsAutoRetryError family is named after itself (lib/errors.ts), the name
 * Lambda and `serverless invoke local` report. On the whole bundle keepNames costs 14 KB
 * (bench/bundlePatches.ts --variant keep-names), more than the 224 KB cap leaves.
 */
export const keepErrorNames = {
  name: 'keep-error-names',
  setup(bundler) {
    bundler.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!ERROR_CLASS.test(source)) return undefined;
      const { code } = await transform(source, { loader: 'ts', keepNames: true, sourcefile: args.path, tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } });
      return { contents: code, loader: 'js' };
    });
  },
};

/**
 * The Lambda bundle's side files: code that only some configurations run, in files beside
 * dist/autoRetry.cjs that a run loads (`require`) when it needs them, so that the bundle stays
 * within its cap (224 KB) and a run without them neither parses nor initialises them. Each is a
 * module the code imports with `await import()` when the settings ask for it.
 */
export const SIDE_FILES = {
  /** DRS_LEDGER_URL (lib/ledger/index.ts): the PostgreSQL ledger, with `pg` (about 85 KB) bundled in. */
  'lib/ledger/postgresLedger.ts': 'ledger-postgres',
  /** DRS_LEDGER_TABLE (lib/ledger/index.ts): the DynamoDB ledger (the Lambda runtime provides the AWS SDK). */
  'lib/ledger/dynamoLedger.ts': 'ledger-dynamodb',
  /**
   * NOTIFY_* (lib/notify/index.ts, createSinks): the sinks and their renderings, their HTTP clients
   * the bundle's; and with NOTIFY_ON=changes (lib/app/runAndNotify.ts) telling once. One file, since
   * a run with a sink mostly needs both.
   */
  'lib/notify/sinks.ts': 'notify',
  'lib/app/tellOnce.ts': 'notify',
};

/**
 * The modules the bundle and its side files share, in one file of their own (dist/errors.cjs)
 * that both load: a side file with its own copy of the error family would throw a LedgerError
 * that is no `instanceof` the bundle's LedgerError or DrsAutoRetryError, and so lose its exit
 * code, its `code` in the report and its handling (lib/app/tellOnce.ts, describeSinkFailure).
 */
export const SHARED_FILES = {
  'lib/errors.ts': 'errors',
  'lib/ledger/ledgerError.ts': 'errors',
  'lib/notify/sinkError.ts': 'errors',
};

/**
 * Each file beside the Lambda bundle by name (side files and shared ones), with the esbuild entry
 * that exports its modules, and whether it is a side file (checked by checkSideFile).
 */
export function filesBeside() {
  const files = {};
  for (const [map, side] of [[SIDE_FILES, true], [SHARED_FILES, false]]) {
    for (const [module, name] of Object.entries(map)) (files[name] ??= { side, modules: [] }).modules.push(module);
  }
  return Object.fromEntries(Object.entries(files).map(([name, { side, modules }]) => [name, {
    side,
    entry: { contents: modules.map((module) => `export * from './${module}';`).join('\n'), resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' },
  }]));
}

/**
 * Splits the Lambda bundle along SIDE_FILES and SHARED_FILES, for the file being built (`self`:
 * 'autoRetry', or the name of a side or shared file): an import of another side file becomes a
 * `require` of it when the import runs, an import of a shared module a `require` of its file.
 * The paths are relative, so the files must sit side by side (serverless.yml packages them).
 */
export const besideLambdaBundle = (self) => ({
  name: 'beside-lambda-bundle',
  setup(bundler) {
    bundler.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point' || args.namespace !== 'file' || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      const module = relative(ROOT, resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split(sep).join('/');
      const shared = SHARED_FILES[module];
      if (shared !== undefined && shared !== self) return { path: `./${shared}.cjs`, external: true };
      const side = SIDE_FILES[module];
      if (side !== undefined && side !== self) return { path: `./${side}.cjs`, namespace: 'side-file' };
      return undefined;
    });
    // esbuild keeps an `import()` of an external module as is; a require in place of the
    // imported module keeps the load synchronous and CommonJS, like every other module here.
    bundler.onLoad({ filter: /.*/, namespace: 'side-file' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    bundler.onResolve({ filter: /.*/, namespace: 'side-file' }, (args) => ({ path: args.path, external: true }));
  },
});

/**
 * Fails the build when a side file holds a module that declares an error class: that module
 * belongs in SHARED_FILES, or `instanceof` would not hold between the bundle and the side file.
 * Nor may a side file carry axios: the HTTP stack is the bundle's, handed to the side file's code
 * (a second one would load again and keep its own connections).
 */
export async function checkSideFile(name, metafile) {
  for (const input of Object.keys(metafile.inputs)) {
    if (input.includes('node_modules/axios/')) {
      throw new Error(`${name}.cjs would carry its own axios (through ${input}): hand its code the bundle's HTTP client instead`);
    }
    // The file's own entry (filesBeside) only re-exports its modules.
    if (input.includes('node_modules/') || !/\.ts$/.test(input) || input === `${name}.ts`) continue;
    if (ERROR_CLASS.test(await readFile(join(ROOT, input), 'utf8'))) {
      throw new Error(`${name}.cjs would hold its own copy of ${input}, which declares an error class: add it to SHARED_FILES (scripts/bundleOptions.mjs)`);
    }
  }
}

export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [keepErrorNames, noPinoTransports, axiosHttpOnly],
};
