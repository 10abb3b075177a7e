// Bundles the two faces with esbuild: the Lambda handler (target node22, the Lambda runtime)
// and the CLI (target node20, which FunctionGraph and this project's minimum share).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // Error classes keep their names: Lambda reports errorType from them.
  keepNames: true,
  // The Lambda runtime provides the AWS SDK v3.
  external: ['@aws-sdk/*'],
  outExtension: { '.js': '.cjs' },
  outdir: 'dist',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['functions/autoRetry.ts'], target: 'node22' });
await build({
  ...common,
  entryPoints: ['bin/drs-auto-retry.ts'],
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
