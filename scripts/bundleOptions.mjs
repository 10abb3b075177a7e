// esbuild settings shared by every bundle (scripts/build.mjs, scripts/packageFunctionGraph.mjs).
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

export const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [noPinoTransports],
};
