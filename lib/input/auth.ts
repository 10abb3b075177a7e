import { ConfigError } from '../errors.js';
import { headerSafe, missing, read, type Env } from './env.js';

/** How the tool proves who it is to IAM and DRS; chosen in the order token, AK/SK, password. */
export type AuthSettings =
  | { kind: 'token'; token: string }
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: 'password'; username: string; password: string; domainName: string };

/** The credentials the OS_* variables give. */
export function resolveAuth(env: Env): AuthSettings {
  const token = read(env, 'OS_AUTH_TOKEN');
  if (token !== undefined) return { kind: 'token', token: headerSafe(token, 'OS_AUTH_TOKEN') };
  const [accessKey, secretKey, securityToken] = ['OS_ACCESS_KEY', 'OS_SECRET_KEY', 'OS_SECURITY_TOKEN'].map((n) => read(env, n));
  const [username, password] = ['OS_USERNAME', 'OS_PASSWORD'].map((n) => read(env, n));
  const akskSet = accessKey !== undefined || secretKey !== undefined || securityToken !== undefined;
  const passwordSet = username !== undefined || password !== undefined;
  if (akskSet && passwordSet) {
    throw new ConfigError('set either OS_ACCESS_KEY/OS_SECRET_KEY or OS_USERNAME/OS_PASSWORD, not both', { field: 'auth' });
  }
  if (akskSet) {
    if (accessKey === undefined || secretKey === undefined) {
      const absent = missing([['OS_ACCESS_KEY', accessKey], ['OS_SECRET_KEY', secretKey]]);
      throw new ConfigError(`AK/SK signing needs OS_ACCESS_KEY and OS_SECRET_KEY; set ${absent.join(' and ')}`, { field: absent[0] });
    }
    const keys = { accessKey: headerSafe(accessKey, 'OS_ACCESS_KEY'), secretKey: headerSafe(secretKey, 'OS_SECRET_KEY') };
    if (securityToken === undefined) return { kind: 'aksk', ...keys };
    return { kind: 'aksk', ...keys, securityToken: headerSafe(securityToken, 'OS_SECURITY_TOKEN') };
  }
  if (!passwordSet) {
    throw new ConfigError('no credentials: set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, '
      + 'or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME', { field: 'auth' });
  }
  const [userDomain, aliasDomain] = [read(env, 'OS_USER_DOMAIN_NAME'), read(env, 'OS_DOMAIN_NAME')];
  if (userDomain !== undefined && aliasDomain !== undefined && userDomain !== aliasDomain) {
    throw new ConfigError('OS_USER_DOMAIN_NAME and OS_DOMAIN_NAME differ; set only one of them', { field: 'OS_DOMAIN_NAME' });
  }
  const domainName = userDomain ?? aliasDomain;
  if (username === undefined || password === undefined || domainName === undefined) {
    const absent = missing([['OS_USERNAME', username], ['OS_PASSWORD', password], ['OS_USER_DOMAIN_NAME', domainName]]);
    throw new ConfigError(`password authentication needs OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME); `
      + `set ${absent.join(' and ')}`, { field: absent[0] });
  }
  return { kind: 'password', username, password, domainName };
}
