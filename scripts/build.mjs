// Bundles the two faces with esbuild: the Lambda handler (target node22, the Lambda runtime),
// with its side files beside it (the ledgers, and the error family they share with it), and the
// CLI (target node20, which FunctionGraph and this project's minimum share), with the DynamoDB
// client beside it. The FunctionGraph zip has its own script, scripts/packageFunctionGraph.mjs.
import { chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { besideLambdaBundle, checkSideFile, common as shared, filesBeside } from './bundleOptions.mjs';

// --metafile DIR: also write esbuild's metafiles there (the benchmark reads what each bundle holds).
const { values: cli } = parseArgs({ options: { metafile: { type: 'string' } } });

/**
 * For the CLI, the DynamoDB client goes into its own file beside it, dist/aws-dynamodb.cjs (about
 * 0.5 MB and 100 ms to load), which only a run with DRS_LEDGER_TABLE loads: the CLI then needs no
 * node_modules at all, so the packed package (`npm pack`, README "Installing the CLI on a host")
 * installs without a registry, and a run without DynamoDB pays nothing for it. The Lambda bundle
 * leaves the SDK out: the Lambda runtime provides it.
 */
const dynamodbBesideCli = {
  name: 'dynamodb-beside-cli',
  setup(bundler) {
    bundler.onResolve({ filter: /^@aws-sdk\/client-dynamodb$/ }, () => ({ path: './aws-dynamodb.cjs', external: true }));
  },
};

// Both bundles leave out axios's multipart path (form-data → mime-types → mime-db: 155 KB and
// about 100 ms of load time for a MIME table the tool never uses, since it only sends JSON),
// its redirect, fetch and own proxy paths: see axiosHttpOnly in scripts/bundleOptions.mjs.
const common = {
  ...shared,
  // The Lambda runtime provides the AWS SDK v3. pg's optional native binding is never used: pg
  // loads it only when asked for `pg.native`.
  external: ['@aws-sdk/*', 'pg-native'],
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  // Always: the side files are checked for copies of the error family.
  metafile: true,
};

/** The Lambda bundle's settings, for the bundle and for each file beside it (scripts/bundleOptions.mjs, SIDE_FILES). */
const besides = filesBeside();
const lambda = (self) => ({ ...common, target: 'node22', plugins: [...common.plugins, besideLambdaBundle(self)] });

const bundles = {
  // dist/autoRetry.cjs.map beside it, for `npm run invoke` (NODE_OPTIONS=--enable-source-maps): an
  // unexpected error's stack then names the sources. Only the bundle is deployed (serverless.yml's
  // package patterns); a deployed function, which does not read the map, shows no location
  // (functions/middleware/shownStack.ts). Locations are all node needs: no sources in the map.
  autoRetry: { ...lambda('autoRetry'), entryPoints: ['functions/autoRetry.ts'], sourcemap: 'linked', sourcesContent: false },
  ...Object.fromEntries(Object.entries(besides).map(([name, { entry }]) => [name, { ...lambda(name), stdin: entry, outdir: undefined, outfile: `dist/${name}.cjs` }])),
  'drs-auto-retry': { ...common, entryPoints: ['bin/drs-auto-retry.ts'], target: 'node20', banner: { js: '#!/usr/bin/env node' }, plugins: [...common.plugins, dynamodbBesideCli] },
  'aws-dynamodb': {
    ...common,
    entryPoints: [{ in: createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb'), out: 'aws-dynamodb' }],
    target: 'node20',
    external: [],
    plugins: [],
  },
};

await Promise.all(
  Object.entries(bundles).map(async ([name, options]) => {
    const result = await build(options);
    if (besides[name]?.side) await checkSideFile(name, result.metafile);
    if (cli.metafile !== undefined) writeFileSync(join(cli.metafile, `${name}.meta.json`), JSON.stringify(result.metafile));
  }),
);
// The packed CLI's bin must be executable in the tarball (npm pack keeps the file's mode), so a
// host can run `drs-auto-retry` or `./dist/drs-auto-retry.cjs` directly.
chmodSync(join('dist', 'drs-auto-retry.cjs'), 0o755);
