import { createRequire } from 'node:module';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { common } from '../scripts/bundleOptions.mjs';

const ROOT = new URL('..', import.meta.url).pathname;

/** Every class of the error family, as the faces' bundles hold them. */
const FAMILY = `
export { ApiError, AuthError, ConfigError, DeadlineExceededError, DrsAutoRetryError, PermissionError } from './lib/errors.ts';
export { RunFailedError } from './lib/engine/runFailedError.ts';
export { LedgerError } from './lib/ledger/ledgerError.ts';
export { SinkError } from './lib/notify/failure.ts';
`;

type ErrorClass = new (message: string, options: object) => Error;

/** Bundles the family with the build's own esbuild options (minified), and loads the result. */
async function bundleFamily(plugins: Plugin[]): Promise<Record<string, ErrorClass>> {
  const result = await build({
    ...(common as BuildOptions),
    plugins,
    stdin: { contents: FAMILY, resolveDir: ROOT, sourcefile: 'family.ts', loader: 'ts' },
    target: 'node20',
    write: false,
  });
  const module = { exports: {} as Record<string, ErrorClass> };
  new Function('module', 'exports', 'require', result.outputFiles[0]?.text ?? '')(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

const named = (family: Record<string, ErrorClass>) =>
  Object.fromEntries(Object.entries(family).map(([name, ErrorClass]) => [name, new ErrorClass('m', { code: 'X', operation: 'op', status: 0, report: {} }).name]));

describe('error names in the minified bundles', () => {
  it('names every error of the family after its class, as Lambda and invoke local report it', async () => {
    // Act
    const family = await bundleFamily(common.plugins as Plugin[]);

    // Assess
    expect(Object.keys(family)).toHaveLength(9);
    for (const [exported, name] of Object.entries(named(family))) expect(name).toBe(exported);
  });

  it('would lose them to minification without keepErrorNames (so the test above can fail)', async () => {
    const family = await bundleFamily((common.plugins as Plugin[]).filter((plugin) => plugin.name !== 'keep-error-names'));
    expect(Object.entries(named(family)).filter(([exported, name]) => name !== exported)).not.toHaveLength(0);
  });
});
