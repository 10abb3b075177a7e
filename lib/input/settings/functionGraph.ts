import { agencyCredentials, type AgencyCredentialSource } from '../../auth/agency.js';
import { anySet, layeredEnv, type Env, type SettingLookup, type SettingSource } from './source.js';

/**
 * The parts of FunctionGraph's context (the runtime's `Context` class) that settings come from.
 * Getters are optional so that a context without an agency, or a local test, still works.
 */
export interface FunctionGraphSettingsContext extends AgencyCredentialSource {
  getUserData(name: string): unknown;
  getProjectID?(): unknown;
}

/** Any of these set (in user data or the process environment) means the agency is not used. */
export const CREDENTIAL_VARIABLES = [
  'OS_AUTH_TOKEN',
  'OS_ACCESS_KEY',
  'OS_SECRET_KEY',
  'OS_SECURITY_TOKEN',
  'OS_USERNAME',
  'OS_PASSWORD',
] as const;

/** Where a FunctionGraph run's credentials came from, for the log (never the credentials themselves). */
export type CredentialOrigin = 'settings' | 'agency AK/SK + security token' | 'agency token' | 'none';

export interface FunctionGraphSettings {
  env: Env;
  credentials: CredentialOrigin;
}

/**
 * The variables of one FunctionGraph invocation (README "Deploying on FunctionGraph"):
 * each from `context.getUserData(NAME)` (encrypted user data included), else `process.env`.
 * Without any `OS_*` credential, the agency's temporary AK/SK and security token stand in as
 * OS_ACCESS_KEY / OS_SECRET_KEY / OS_SECURITY_TOKEN (or its token as OS_AUTH_TOKEN), and without
 * OS_PROJECT_ID the function's own project does, so loadConfig validates them like any setting.
 */
export function functionGraphSettings(
  context: FunctionGraphSettingsContext,
  fallback: SettingSource = process.env,
): FunctionGraphSettings {
  const userData: SettingLookup = (name) => context.getUserData(name);
  const configured = layeredEnv(userData, fallback);
  const ownCredentials = anySet(configured, CREDENTIAL_VARIABLES);
  const agency = ownCredentials ? undefined : agencyCredentials(context);
  const agencyVariables: Record<string, string> =
    agency === undefined ? {}
      : agency.kind === 'aksk'
        ? { OS_ACCESS_KEY: agency.accessKey, OS_SECRET_KEY: agency.secretKey, OS_SECURITY_TOKEN: agency.securityToken }
        : { OS_AUTH_TOKEN: agency.token };
  const runtime: SettingLookup = (name) =>
    name === 'OS_PROJECT_ID' ? context.getProjectID?.() : agencyVariables[name];
  const credentials: CredentialOrigin = ownCredentials ? 'settings'
    : agency === undefined ? 'none'
      : agency.kind === 'aksk' ? 'agency AK/SK + security token' : 'agency token';
  return { env: layeredEnv(userData, fallback, runtime), credentials };
}
