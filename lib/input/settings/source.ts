/**
 * Where a face's settings come from (README "Configuration"): the CLI and Lambda read
 * `process.env`; FunctionGraph reads the function's user data first, then `process.env`. Either
 * way the one parser (./read.ts) sees the same name → value view.
 */

/** Variables by name, as the parser reads them. */
export type Env = Record<string, string | undefined>;

/** Looks one variable up by name; anything but a non-blank string counts as "not set here". */
export type SettingLookup = (name: string) => unknown;

/** A source: a lookup, or a listable record such as the environment. */
export type SettingSource = SettingLookup | Env;

function valueOf(source: SettingSource, name: string): string | undefined {
  const value = typeof source === 'function' ? source(name) : source[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A read-only view that answers each variable from the first source that sets it. It lists the
 * names of the sources that can be listed (for "did you mean"); a lookup, such as FunctionGraph's
 * `context.getUserData`, can only be asked for one name at a time.
 */
export function layeredEnv(...sources: SettingSource[]): Env {
  const lookup = (name: string) => {
    for (const source of sources) {
      const value = valueOf(source, name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const names = () => [...new Set(sources.flatMap((source) => (typeof source === 'function' ? [] : Object.keys(source))))];
  return new Proxy<Env>(Object.create(null) as Env, {
    get: (_target, name) => (typeof name === 'string' ? lookup(name) : undefined),
    has: (_target, name) => typeof name === 'string' && lookup(name) !== undefined,
    ownKeys: () => names().filter((name) => lookup(name) !== undefined),
    getOwnPropertyDescriptor: (_target, name) => {
      const value = typeof name === 'string' ? lookup(name) : undefined;
      return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
    },
    set: () => false,
    deleteProperty: () => false,
  });
}

/** True when any of `names` is set in `env`. */
export function anySet(env: Env, names: readonly string[]): boolean {
  return names.some((name) => {
    const value = env[name];
    return value !== undefined && value.trim() !== '';
  });
}
