// Bundles the two faces with esbuild: the Lambda handler (target node22, the Lambda runtime)
// and the CLI (target node20, which FunctionGraph and this project's minimum share).
import { writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

// --metafile DIR: also write esbuild's metafiles there (the benchmark reads what each bundle holds).
const { values: cli } = parseArgs({ options: { metafile: { type: 'string' } } });

/**
 * pino without the parts lib/log.ts never runs: transports (thread-stream, worker threads, and
 * pino's transport and multistream modules) and sonic-boom (pino.destination), since lib/log.ts
 * hands pino its own synchronous stream. About 25 KB. A left-out part asked for by mistake fails
 * loudly, not silently.
 */
const noPinoTransports = {
  name: 'no-pino-transports',
  setup(bundler) {
    bundler.onResolve({ filter: /^(thread-stream|sonic-boom)$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    bundler.onResolve({ filter: /^\.\/(lib\/)?(transport|multistream)$/ }, (args) =>
      args.importer.includes(`${sep}pino${sep}`) ? { path: args.path, namespace: 'left-out' } : undefined,
    );
    bundler.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: "module.exports = function leftOut() { throw new Error('pino transports and destinations are left out of this bundle (scripts/build.mjs)'); };",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // The Lambda runtime provides the AWS SDK v3.
  external: ['@aws-sdk/*'],
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  logLevel: 'warning',
  plugins: [noPinoTransports],
  metafile: cli.metafile !== undefined,
};

const bundles = {
  autoRetry: { ...common, entryPoints: ['functions/autoRetry.ts'], target: 'node22' },
  'drs-auto-retry': { ...common, entryPoints: ['bin/drs-auto-retry.ts'], target: 'node20', banner: { js: '#!/usr/bin/env node' } },
};

await Promise.all(
  Object.entries(bundles).map(async ([name, options]) => {
    const result = await build(options);
    if (cli.metafile !== undefined) writeFileSync(join(cli.metafile, `${name}.meta.json`), JSON.stringify(result.metafile));
  }),
);
