/**
 * What each axios patch is worth (issue 18): the Lambda bundle (functions/autoRetry.ts, as
 * scripts/build.mjs builds it) with the patches of scripts/bundleOptions.mjs, with each of them
 * left out in turn, and with each patch that was dropped added back. For each: the bytes it saves, and the module init it saves, from
 * fresh node processes that load the bundles interleaved (A, B, A, B…), so that a busy moment
 * of the shared machine costs both sides alike. A patch is worth keeping at ≥ 5 ms or ≥ 10 KB.
 * Init is the CPU time (user + system) the process spends in `require()` of the bundle: on a
 * shared machine, wall time also counts the waits for a core. Δ is the median over the rounds of
 * (variant − reference) in the same round; wall time is printed beside it.
 *
 *   npx tsx bench/bundlePatches.ts                        each kept patch left out, each dropped one added
 *   npx tsx bench/bundlePatches.ts --all                  each patch left out of all of them, dropped ones included
 *   npx tsx bench/bundlePatches.ts --variant keep-names   esbuild's keepNames on the whole bundle, against the build's
 *   --processes N                                         processes per variant (default 15)
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Plugin } from 'esbuild';
// @ts-expect-error: a plain .mjs module without types
import { AXIOS_PATCHES, axiosPatches, besideLambdaBundle, common, FAIL, filesBeside, inAxios, replace } from '../scripts/bundleOptions.mjs';
import { median } from './fixtures.js';
import { medianDelta, sampleInit } from './initAB.js';

/** A patch: an esbuild plugin with a name. */
type Patch = Plugin;
const KEPT = AXIOS_PATCHES as Patch[];

/**
 * The patches dropped from scripts/bundleOptions.mjs (issue 18), kept here to be measured again:
 * each saved less than 5 ms and 10 KB, and each replaces one of axios's own files, which the next
 * axios release may rename or give new exports (a build failure).
 */
const DROPPED: Patch[] = [
  replace('data: URLs',
    { filter: inAxios('helpers[\\\\/]fromDataURI\\.js'), contents: `export default () => { ${FAIL("axios's data: URL helpers")}; };` },
    {
      filter: inAxios('helpers[\\\\/]estimateDataURLDecodedBytes\\.js'),
      contents: `const left = () => { ${FAIL("axios's data: URL helpers")}; }; export const estimateDataURLBufferAllocation = left; export default left;`,
    }),
  replace('progress and rate streams',
    {
      filter: inAxios('helpers[\\\\/]progressEventReducer\\.js'),
      contents: `const left = () => { ${FAIL("axios's progress events")}; }; export { left as progressEventReducer, left as progressEventDecorator, left as asyncDecorator };`,
    },
    { filter: inAxios('helpers[\\\\/]AxiosTransformStream\\.js'), contents: `export default class AxiosTransformStream { constructor() { ${FAIL("axios's rate and progress stream")}; } }` }),
  {
    // axios imports node's http2 for its HTTP/2 transport (httpVersion 2), which the tool never asks for.
    name: 'HTTP/2',
    setup(bundler) {
      replace('HTTP/2 sessions', {
        filter: inAxios('helpers[\\\\/]Http2Sessions\\.js'),
        contents: `export default class Http2Sessions { getSession() { ${FAIL("axios's HTTP/2 sessions")}; } }`,
      }).setup(bundler);
      bundler.onResolve({ filter: /^http2$/ }, (args) => (/[\\/]axios[\\/]/.test(args.importer) ? { path: 'http2', namespace: 'axios-left-out' } : undefined));
      bundler.onLoad({ filter: /.*/, namespace: 'axios-left-out' }, () => ({
        contents: `module.exports = { constants: {}, connect() { ${FAIL("node's http2 (axios's HTTP/2 transport)")}; } };`,
        loader: 'js',
      }));
    },
  },
  replace('status-code table', { filter: inAxios('helpers[\\\\/]HttpStatusCode\\.js'), contents: 'export default {};' }),
  // The tool's one axios instance has no interceptors, and its options are fixed in lib/http/transport.ts.
  replace('interceptors', {
    filter: inAxios('core[\\\\/]InterceptorManager\\.js'),
    contents: `export default class InterceptorManager { use() { ${FAIL("axios's interceptors")}; } forEach() {} }`,
  }),
  replace('option validation', {
    filter: inAxios('helpers[\\\\/]validator\\.js'),
    contents: 'const v = () => v; export default { assertOptions() {}, validators: { transitional: v, boolean: v, function: v, spelling: v } };',
  }),
  replace('CancelToken', {
    filter: inAxios('cancel[\\\\/]CancelToken\\.js'),
    contents: `export default class CancelToken { constructor() { ${FAIL("axios's CancelToken (the tool uses AbortSignal)")}; } }`,
  }),
];

interface Variant {
  name: string;
  /** The patches applied. */
  patches: Patch[];
  keepNames?: boolean;
  /** The bundle built. */
  files: string[];
}

/** The Lambda bundle as scripts/build.mjs builds it, its side files left beside it. */
async function buildVariant(variant: Variant, dir: string): Promise<string> {
  const outdir = join(dir, variant.name.replace(/[^\w-]+/g, '_'));
  mkdirSync(outdir, { recursive: true });
  const plugins = (common.plugins as Plugin[]).filter((plugin) => plugin.name !== 'axios-http-only');
  const options: BuildOptions = {
    ...(common as BuildOptions),
    entryPoints: ['functions/autoRetry.ts'],
    target: 'node22',
    outdir,
    outExtension: { '.js': '.cjs' },
    external: ['@aws-sdk/*', 'pg-native'],
    plugins: [...plugins, axiosPatches(variant.patches) as Plugin, besideLambdaBundle('autoRetry') as Plugin],
    ...(variant.keepNames === undefined ? {} : { keepNames: variant.keepNames }),
  };
  await build(options);
  // The error family the bundle loads beside it.
  await build({ ...(common as BuildOptions), plugins: [...plugins, besideLambdaBundle('errors') as Plugin], stdin: (filesBeside() as Record<string, { entry: BuildOptions['stdin'] }>).errors?.entry, target: 'node22', outfile: join(outdir, 'errors.cjs') });
  return join(outdir, 'autoRetry.cjs');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { all: { type: 'boolean' }, processes: { type: 'string' }, variant: { type: 'string' } } });
  const processes = Number(values.processes ?? 15);
  if (!Number.isInteger(processes) || processes < 1) throw new TypeError(`Expected \`--processes\` to be a whole number from 1 and up, got ${values.processes}`);
  const base = values.all ? [...KEPT, ...DROPPED] : KEPT;
  const reference: Variant = { name: 'reference', patches: base, files: [] };
  const variants: Variant[] = [reference];
  if (values.variant === 'keep-names') {
    variants.push({ name: 'keepNames (whole bundle)', patches: base, keepNames: true, files: [] });
  } else {
    for (const patch of base) variants.push({ name: `without ${patch.name}`, patches: base.filter((p) => p !== patch), files: [] });
    if (!values.all) for (const patch of DROPPED) variants.push({ name: `with ${patch.name}`, patches: [...base, patch], files: [] });
    variants.push({ name: 'no patch', patches: [], files: [] });
  }
  const dir = mkdtempSync(join(tmpdir(), 'bundle-patches-'));
  try {
    for (const variant of variants) variant.files = [await buildVariant(variant, dir)];
    const init = await sampleInit(variants, processes, 'bundlePatches');
    const size = (variant: Variant) => statSync(variant.files[0] ?? '').size;
    const refBytes = size(reference);
    const refSamples = init.get(reference.name) ?? [];
    const signed = (value: number, unit: string) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}${unit}`;
    console.log(`axios patches, ${processes} interleaved processes each; reference: ${base.length} patches, ${(refBytes / 1024).toFixed(1)} KB, `
      + `init ${median(refSamples.map((s) => s.cpu)).toFixed(1)} ms CPU (${median(refSamples.map((s) => s.wall)).toFixed(1)} ms wall)`);
    console.log(`${'variant'.padEnd(36)} ${'bundle'.padStart(9)} ${'Δ bundle'.padStart(10)} ${'init CPU'.padStart(9)} ${'Δ CPU'.padStart(8)} ${'Δ wall'.padStart(8)}  worth keeping (≥ 5 ms or ≥ 10 KB)`);
    for (const variant of variants) {
      const bytes = size(variant);
      const own = init.get(variant.name) ?? [];
      const dKb = (bytes - refBytes) / 1024;
      const dCpu = medianDelta(own, refSamples, 'cpu');
      const dWall = medianDelta(own, refSamples, 'wall');
      // Left out, a patch is worth its keep when the bundle grows by it; added, when it shrinks by it.
      const sign = variant.name.startsWith('with ') ? -1 : 1;
      const verdict = !/^with(out)? /.test(variant.name) ? '' : sign * dKb >= 10 || sign * dCpu >= 5 ? 'yes' : 'no';
      console.log(`${variant.name.padEnd(36)} ${`${(bytes / 1024).toFixed(1)} KB`.padStart(9)} ${signed(dKb, ' KB').padStart(10)} `
        + `${median(own.map((s) => s.cpu)).toFixed(1).padStart(9)} ${signed(dCpu, '').padStart(8)} ${signed(dWall, '').padStart(8)}  ${verdict}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
