/**
 * Where the configuration variables of README "Configuration" come from. The CLI and Lambda read
 * `process.env`; FunctionGraph reads the function's user data first. Either way the values reach
 * the one parser (loadConfig) as the same name → value view, so configuration is parsed in one place.
 */

/** Variables by name, as loadConfig reads them. */
export type Env = Record<string, string | undefined>;

/** Looks one variable up by name; anything but a non-blank string counts as "not set here". */
export type SettingLookup = (name: string) => unknown;

/** The process environment as a lookup. */
export const processEnvLookup: SettingLookup = (name) => process.env[name];

function valueOf(lookup: SettingLookup, name: string): string | undefined {
  const value = lookup(name);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A read-only view that answers each variable from the first source that sets it. It is read by
 * name only (it cannot be listed), because some sources, such as FunctionGraph's
 * `context.getUserData`, can only be asked for one name at a time.
 */
export function layeredEnv(...sources: SettingLookup[]): Env {
  const lookup = (name: string) => {
    for (const source of sources) {
      const value = valueOf(source, name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  return new Proxy<Env>(Object.create(null) as Env, {
    get: (_target, name) => (typeof name === 'string' ? lookup(name) : undefined),
    has: (_target, name) => typeof name === 'string' && lookup(name) !== undefined,
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
