// npm run package:functiongraph: writes dist/functiongraph.zip for FunctionGraph's Node.js 20.15
// runtime (README "Deploying on FunctionGraph"): one self-contained index.js at the root of the
// zip, whose `handler` export is the function's handler `index.handler`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { common } from './bundleOptions.mjs';
import { zip } from './zipWriter.mjs';

const ZIP_PATH = 'dist/functiongraph.zip';
/** The FunctionGraph console takes zips up to 40 MB (the API 50 MB). */
const MAX_ZIP_BYTES = 40 * 1024 * 1024;

/**
 * FunctionGraph has no DynamoDB: the DynamoDB ledger and the AWS SDK behind it stay out of the
 * zip. Asking for DRS_LEDGER_TABLE there fails with advice instead of a missing module.
 */
const noDynamoDb = {
  name: 'no-dynamodb-on-functiongraph',
  setup(bundler) {
    bundler.onResolve({ filter: /\/dynamoLedger(\.js)?$/ }, (args) => ({ path: args.path, namespace: 'not-on-functiongraph' }));
    bundler.onLoad({ filter: /.*/, namespace: 'not-on-functiongraph' }, () => ({
      contents: `export class DynamoLedger {
        constructor() {
          throw new Error('DRS_LEDGER_TABLE selects DynamoDB, which FunctionGraph does not have: use DRS_LEDGER_URL (PostgreSQL) instead');
        }
      }`,
      loader: 'js',
    }));
  },
};

const result = await build({
  ...common,
  entryPoints: ['functions/functionGraph.ts'],
  target: 'node20.15',
  outfile: 'index.js',
  write: false,
  metafile: true,
  plugins: [...common.plugins, noDynamoDb],
  // pg's optional native binding, which the ledger never asks for.
  external: ['pg-native'],
});
const code = result.outputFiles.find((file) => file.path.endsWith('index.js'));
const bundled = Object.keys(result.metafile.inputs).filter((input) => input.includes('@aws-sdk/'));
if (code === undefined || bundled.length > 0) {
  throw new Error(`packaging went wrong: ${code === undefined ? 'no index.js was built' : `the AWS SDK was bundled (${bundled[0]})`}`);
}

const archive = zip([{ name: 'index.js', data: Buffer.from(code.contents) }]);
mkdirSync('dist', { recursive: true });
writeFileSync(ZIP_PATH, archive);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`${ZIP_PATH}: ${kb(archive.length)} (index.js ${kb(code.contents.length)}, target node20.15); FunctionGraph takes up to 40 MB`);
if (archive.length > MAX_ZIP_BYTES) {
  console.error(`${ZIP_PATH} is larger than 40 MB: the FunctionGraph console will refuse it`);
  process.exitCode = 1;
}
