// esbuild settings shared by every bundle (scripts/build.mjs, scripts/packageFunctionGraph.mjs).
import { readFile } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * pino without the parts lib/log.ts never runs: transports (thread-stream, worker threads, and
 * pino's transport and multistream modules) and sonic-boom (pino.destination), since lib/log.ts
 * hands pino its own synchronous stream. About 25 KB. A left-out part asked for by mistake fails
 * loudly, not silently.
 */
export const noPinoTransports = {
  name: 'no-pino-transports',
  setup(bundler) {
    bundler.onResolve({ filter: /^(thread-stream|sonic-boom)$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    bundler.onResolve({ filter: /^\.\/(lib\/)?(transport|multistream)$/ }, (args) =>
      args.importer.includes(`${sep}pino${sep}`) ? { path: args.path, namespace: 'left-out' } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: "module.exports = function leftOut() { throw new Error('pino transports and destinations are left out of this bundle (scripts/bundleOptions.mjs)'); };",
      loader: 'js',
    }));
  },
};

const FAIL = (what) => `throw new Error(${JSON.stringify(`${what} is left out of this bundle (scripts/bundleOptions.mjs)`)})`;

/**
 * axios with its Node http adapter only. The tool sends JSON, never multipart, follows no
 * redirect (maxRedirects 0 makes axios call node's http/https itself), and always hands axios an
 * explicit proxy setting and agents (lib/http/proxy.ts), so these parts are never reached, yet
 * together they would weigh more than all of the tool's own code:
 * - `form-data` (multipart) pulls in `mime-types` → `mime-db`, a 130 KB JSON table of every MIME
 *   type that also costs about 100 ms to load (../shared/TOOLCHAIN.md), plus combined-stream,
 *   asynckit and get-intrinsic: 155 KB in all;
 * - `follow-redirects`; axios's fetch and XHR adapters, its FormData, data: URL, progress and
 *   HTTP/2 helpers, its status-code table, CancelToken (the tool aborts with an AbortSignal),
 *   interceptors and option validation (one instance, fixed options, none);
 * - axios's own proxy path (`https-proxy-agent` with `agent-base` and `debug`, and its NO_PROXY
 *   matcher): lib/http/proxy.ts picks the route by proxy-from-env's rules (axios's own reader of
 *   the variables), applied to the run's settings, and tunnels through a keep-alive agent of its own.
 * Each left-out module throws if it is ever called, so a mistake fails loudly rather than silently.
 */
const LEFT_OUT = [
  { filter: /[\\/]node_modules[\\/]form-data[\\/]/, contents: `module.exports = class FormData { constructor() { ${FAIL('form-data')}; } };` },
  { filter: /[\\/]node_modules[\\/]follow-redirects[\\/]index\.js$/, contents: `const request = () => { ${FAIL('follow-redirects')}; }; module.exports = { http: { request }, https: { request } };` },
  { filter: /[\\/]node_modules[\\/]debug[\\/]src[\\/]index\.js$/, contents: 'module.exports = () => () => {};' },
  { filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/, contents: `export const getFetch = () => { ${FAIL("axios's fetch adapter")}; }; export default undefined;` },
  { filter: /[\\/]axios[\\/]lib[\\/]adapters[\\/]xhr\.js$/, contents: 'export default false;' },
  { filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/](formDataToStream|formDataToJSON)\.js$/, contents: `export default () => { ${FAIL("axios's FormData helpers")}; };` },
  {
    filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]toFormData\.js$/,
    contents: `export const DEFAULT_FORM_DATA_MAX_DEPTH = 100; export default () => { ${FAIL("axios's toFormData")}; };`,
  },
  { filter: /[\\/]node_modules[\\/]https-proxy-agent[\\/]/, contents: `module.exports = class HttpsProxyAgent { constructor() { ${FAIL('https-proxy-agent')}; } };` },
  { filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/](shouldBypassProxy|fromDataURI)\.js$/, contents: `export default () => { ${FAIL("axios's own proxy and data: URL helpers")}; };` },
  {
    filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]estimateDataURLDecodedBytes\.js$/,
    contents: `const left = () => { ${FAIL("axios's data: URL helpers")}; }; export const estimateDataURLBufferAllocation = left; export default left;`,
  },
  {
    filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]progressEventReducer\.js$/,
    contents: `const left = () => { ${FAIL("axios's progress events")}; }; export { left as progressEventReducer, left as progressEventDecorator, left as asyncDecorator };`,
  },
  { filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]AxiosTransformStream\.js$/, contents: `export default class AxiosTransformStream { constructor() { ${FAIL("axios's rate and progress stream")}; } }` },
  { filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]Http2Sessions\.js$/, contents: `export default class Http2Sessions { getSession() { ${FAIL("axios's HTTP/2 sessions")}; } }` },
  { filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]HttpStatusCode\.js$/, contents: 'export default {};' },
  // The tool's one axios instance has no interceptors, and its options are fixed in lib/http/transport.ts.
  { filter: /[\\/]axios[\\/]lib[\\/]core[\\/]InterceptorManager\.js$/, contents: `export default class InterceptorManager { use() { ${FAIL("axios's interceptors")}; } forEach() {} }` },
  {
    filter: /[\\/]axios[\\/]lib[\\/]helpers[\\/]validator\.js$/,
    contents: 'const v = () => v; export default { assertOptions() {}, validators: { transitional: v, boolean: v, function: v, spelling: v } };',
  },
  { filter: /[\\/]axios[\\/]lib[\\/]cancel[\\/]CancelToken\.js$/, contents: `export default class CancelToken { constructor() { ${FAIL("axios's CancelToken (the tool uses AbortSignal)")}; } }` },
];
/**
 * axios's utils.js reads `globalThis.FormData` when it loads, and in node that getter loads
 * undici, node's fetch implementation: 15-20 ms of module init for a class the tool never sends.
 * The read is replaced by `undefined` (isFormData then only recognises FormData by its shape);
 * the build fails if axios's code no longer matches.
 */
const AXIOS_FORMDATA_READ = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";

export const axiosHttpOnly = {
  name: 'axios-http-only',
  setup(bundler) {
    for (const { filter, contents } of LEFT_OUT) {
      bundler.onLoad({ filter }, () => ({ contents, loader: 'js' }));
    }
    // axios imports node's http2 for its HTTP/2 transport (httpVersion 2), which the tool never
    // asks for; loading it costs about 6 ms of module init.
    bundler.onResolve({ filter: /^http2$/ }, (args) =>
      /[\\/]axios[\\/]/.test(args.importer) ? { path: 'http2', namespace: 'axios-left-out' } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'axios-left-out' }, () => ({
      contents: `module.exports = { constants: {}, connect() { ${FAIL("node's http2 (axios's HTTP/2 transport)")}; } };`,
      loader: 'js',
    }));
    bundler.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(AXIOS_FORMDATA_READ)) throw new Error('axios utils.js changed: update AXIOS_FORMDATA_READ in scripts/bundleOptions.mjs');
      return { contents: source.replace(AXIOS_FORMDATA_READ, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
  },
};

export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [noPinoTransports, axiosHttpOnly],
};
