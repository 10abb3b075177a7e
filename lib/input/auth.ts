import { AUTH_VARIABLES, type AuthSettings } from '../auth/settings.js';
import { ConfigError } from '../errors.js';
import { headerSafe, missing, read, type Env } from './env.js';

export type { AuthSettings } from '../auth/settings.js';

/** The credentials to use, and the lower-ranked methods that are also set and so ignored. */
export interface ResolvedAuth {
  auth: AuthSettings;
  /** The variables of each ignored method, e.g. `OS_USERNAME/OS_PASSWORD`, for an info log line. */
  ignored: string[];
}

/**
 * The credentials the OS_* variables give, in the order of README "Configuration": OS_AUTH_TOKEN,
 * then AK/SK, then password. A higher method that is set wins over a lower one. A half-set method
 * (an AK without its SK, a username without a password) is an error wherever it ranks: it is a
 * mistake the user wants to hear about, not a choice.
 */
export function resolveAuth(env: Env): ResolvedAuth {
  const [chosen, ...lower] = [tokenAuth(env), akskAuth(env), passwordAuth(env)].filter((c) => c !== undefined);
  if (chosen === undefined) {
    throw new ConfigError('no credentials: set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, '
      + 'or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME', { field: 'auth' });
  }
  // Only the chosen method is built (and checked further): an ignored one needs no domain name.
  return { auth: chosen.build(), ignored: lower.map((method) => AUTH_VARIABLES[method.kind]) };
}

/** A method whose variables are set: built only if it is the one chosen. */
interface Candidate {
  kind: AuthSettings['kind'];
  build(): AuthSettings;
}

function tokenAuth(env: Env): Candidate | undefined {
  const token = read(env, 'OS_AUTH_TOKEN');
  return token === undefined ? undefined : { kind: 'token', build: () => ({ kind: 'token', token: headerSafe(token, 'OS_AUTH_TOKEN') }) };
}

function akskAuth(env: Env): Candidate | undefined {
  const [accessKey, secretKey, securityToken] = ['OS_ACCESS_KEY', 'OS_SECRET_KEY', 'OS_SECURITY_TOKEN'].map((n) => read(env, n));
  if (accessKey === undefined && secretKey === undefined && securityToken === undefined) return undefined;
  if (accessKey === undefined || secretKey === undefined) {
    const absent = missing([['OS_ACCESS_KEY', accessKey], ['OS_SECRET_KEY', secretKey]]);
    throw new ConfigError(`AK/SK signing needs OS_ACCESS_KEY and OS_SECRET_KEY; set ${absent.join(' and ')}`, { field: absent[0] });
  }
  return { kind: 'aksk', build: () => {
    const keys = { accessKey: headerSafe(accessKey, 'OS_ACCESS_KEY'), secretKey: headerSafe(secretKey, 'OS_SECRET_KEY') };
    if (securityToken === undefined) return { kind: 'aksk', ...keys };
    return { kind: 'aksk', ...keys, securityToken: headerSafe(securityToken, 'OS_SECURITY_TOKEN') };
  } };
}

function passwordAuth(env: Env): Candidate | undefined {
  const [username, password] = ['OS_USERNAME', 'OS_PASSWORD'].map((n) => read(env, n));
  if (username === undefined && password === undefined) return undefined;
  const need = 'password authentication needs OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME)';
  if (username === undefined || password === undefined) {
    const absent = missing([['OS_USERNAME', username], ['OS_PASSWORD', password]]);
    throw new ConfigError(`${need}; set ${absent.join(' and ')}`, { field: absent[0] });
  }
  return { kind: 'password', build: () => {
    const [userDomain, aliasDomain] = [read(env, 'OS_USER_DOMAIN_NAME'), read(env, 'OS_DOMAIN_NAME')];
    if (userDomain !== undefined && aliasDomain !== undefined && userDomain !== aliasDomain) {
      throw new ConfigError('OS_USER_DOMAIN_NAME and OS_DOMAIN_NAME differ; set only one of them', { field: 'OS_DOMAIN_NAME' });
    }
    const domainName = userDomain ?? aliasDomain;
    if (domainName === undefined) throw new ConfigError(`${need}; set OS_USER_DOMAIN_NAME`, { field: 'OS_USER_DOMAIN_NAME' });
    return { kind: 'password', username, password, domainName };
  } };
}
