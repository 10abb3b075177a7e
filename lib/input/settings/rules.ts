/**
 * The rules that span several settings, checked once each variable has parsed: which credentials
 * are used, where the project comes from, which endpoints may be plain http, and which settings
 * need each other.
 */
import type { AuthMethod } from '../../auth/authMethod.js';
import { ConfigError } from '../../errors.js';
import { proxyFor, type Proxies } from '../../http/proxy.js';
import { ENDPOINT_SETTINGS, type Settings } from './read.js';

/** The variables of each credential method, as the info line about an ignored method names them. */
export const AUTH_VARIABLES: Readonly<Record<AuthMethod['kind'], string>> = {
  token: 'OS_AUTH_TOKEN',
  aksk: 'OS_ACCESS_KEY/OS_SECRET_KEY',
  password: 'OS_USERNAME/OS_PASSWORD',
};

/** The credentials to use, and the lower-ranked methods that are also set and so ignored. */
export interface CredentialChoice {
  auth: AuthMethod;
  /** The variables of each ignored method, e.g. `OS_USERNAME/OS_PASSWORD`, for an info log line. */
  ignored: string[];
}

/** "set A and B" for the variables among `pairs` that are unset; the first one is the field at fault. */
function missingOf(pairs: Array<[string, string | undefined]>): string[] {
  return pairs.filter(([, value]) => value === undefined).map(([name]) => name);
}

/**
 * The credentials the OS_* variables give, in the order of README "Configuration": OS_AUTH_TOKEN,
 * then AK/SK, then password. A higher method that is set wins over a lower one. A half-set method
 * (an AK without its SK, a username without a password) is an error wherever it ranks: it is a
 * mistake the user wants to hear about, not a choice.
 */
export function chooseCredentials(settings: Settings): CredentialChoice {
  const { OS_AUTH_TOKEN: token, OS_ACCESS_KEY: accessKey, OS_SECRET_KEY: secretKey, OS_SECURITY_TOKEN: securityToken } = settings;
  const { OS_USERNAME: username, OS_PASSWORD: password, OS_USER_DOMAIN_NAME: domainName } = settings;
  const candidates: Array<{ kind: AuthMethod['kind']; build: () => AuthMethod }> = [];
  if (token !== undefined) candidates.push({ kind: 'token', build: () => ({ kind: 'token', token }) });
  if (accessKey !== undefined || secretKey !== undefined || securityToken !== undefined) {
    if (accessKey === undefined || secretKey === undefined) {
      const absent = missingOf([['OS_ACCESS_KEY', accessKey], ['OS_SECRET_KEY', secretKey]]);
      throw new ConfigError(`AK/SK signing needs OS_ACCESS_KEY and OS_SECRET_KEY; set ${absent.join(' and ')}`, { field: absent[0] });
    }
    const keys = { accessKey, secretKey };
    candidates.push({ kind: 'aksk', build: () => (securityToken === undefined ? { kind: 'aksk', ...keys } : { kind: 'aksk', ...keys, securityToken }) });
  }
  if (username !== undefined || password !== undefined) {
    const need = 'password authentication needs OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME)';
    if (username === undefined || password === undefined) {
      const absent = missingOf([['OS_USERNAME', username], ['OS_PASSWORD', password]]);
      throw new ConfigError(`${need}; set ${absent.join(' and ')}`, { field: absent[0] });
    }
    // Only the chosen method is built: an ignored password login needs no domain name.
    candidates.push({ kind: 'password', build: () => {
      if (domainName === undefined) throw new ConfigError(`${need}; set OS_USER_DOMAIN_NAME`, { field: 'OS_USER_DOMAIN_NAME' });
      return { kind: 'password', username, password, domainName };
    } });
  }
  const [chosen, ...lower] = candidates;
  if (chosen === undefined) {
    throw new ConfigError('no credentials: set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, '
      + 'or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME', { field: 'auth' });
  }
  return { auth: chosen.build(), ignored: lower.map((method) => AUTH_VARIABLES[method.kind]) };
}

/** The project: the event's, else OS_PROJECT_ID; OS_PROJECT_NAME alone works only for a password login. */
export function resolveProject(settings: Settings, fromEvent: string | undefined, auth: AuthMethod): { projectId?: string; projectName?: string } {
  const projectId = fromEvent ?? settings.OS_PROJECT_ID;
  const projectName = settings.OS_PROJECT_NAME;
  if (projectId === undefined && auth.kind !== 'password') {
    throw new ConfigError('set OS_PROJECT_ID: it is required with AK/SK signing and with OS_AUTH_TOKEN '
      + '(OS_PROJECT_NAME only scopes a password login)', { field: 'OS_PROJECT_ID' });
  }
  if (projectId === undefined && projectName === undefined) {
    throw new ConfigError('set OS_PROJECT_ID or OS_PROJECT_NAME: DRS tasks belong to a project', { field: 'OS_PROJECT_ID' });
  }
  return { ...(projectId === undefined ? {} : { projectId }), ...(projectName === undefined ? {} : { projectName }) };
}

/** The proxy settings, lower-case forms already preferred by the parser. */
export function proxiesOf(settings: Settings): Proxies {
  const proxies: Proxies = { https: settings.HTTPS_PROXY, http: settings.HTTP_PROXY, all: settings.ALL_PROXY, noProxy: settings.NO_PROXY };
  return Object.fromEntries(Object.entries(proxies).filter(([, value]) => value !== undefined));
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Plain http only where credentials cannot leave the machine: to a loopback endpoint, and not
 * through a proxy elsewhere; anything else needs DRS_ALLOW_INSECURE_HTTP=true (a test endpoint).
 */
export function checkEndpoints(settings: Settings, proxies: Proxies): void {
  if (settings.DRS_ALLOW_INSECURE_HTTP) return;
  for (const name of ENDPOINT_SETTINGS) {
    const value = settings[name];
    const url = typeof value === 'string' ? new URL(value) : undefined;
    if (url?.protocol !== 'http:') continue;
    if (!isLoopback(url.hostname)) {
      throw new ConfigError(`${name} uses plain http to a host that is not loopback, so credentials would travel unencrypted; use https `
        + '(or set DRS_ALLOW_INSECURE_HTTP=true for a test endpoint)', { field: name });
    }
    const proxy = proxyFor(url.href, proxies);
    if (proxy !== undefined && !isLoopback(proxy.hostname)) {
      throw new ConfigError(`${name} would go through the proxy ${proxy.host} (HTTP_PROXY) in plain http, so credentials would travel `
        + 'unencrypted; add its host to NO_PROXY (or set DRS_ALLOW_INSECURE_HTTP=true for a test endpoint)', { field: name });
    }
  }
}

/** A webhook secret signs the webhook, so it needs one. */
export function checkWebhook(settings: Settings): void {
  if (settings.NOTIFY_WEBHOOK_SECRET !== undefined && settings.NOTIFY_WEBHOOK_URL === undefined) {
    throw new ConfigError('NOTIFY_WEBHOOK_SECRET is set but NOTIFY_WEBHOOK_URL is not; set the URL or remove the secret', { field: 'NOTIFY_WEBHOOK_SECRET' });
  }
}

/** One ledger at most; a DynamoDB endpoint needs its table. */
export function checkLedger(settings: Settings): void {
  const { DRS_LEDGER_TABLE: table, DRS_LEDGER_URL: url, DRS_LEDGER_ENDPOINT: endpoint } = settings;
  if (url !== undefined && table !== undefined) {
    throw new ConfigError('DRS_LEDGER_TABLE and DRS_LEDGER_URL are both set: set DRS_LEDGER_TABLE for DynamoDB or DRS_LEDGER_URL '
      + 'for PostgreSQL, not both', { field: 'DRS_LEDGER_URL' });
  }
  if (endpoint !== undefined && table === undefined) {
    throw new ConfigError('DRS_LEDGER_ENDPOINT is set but DRS_LEDGER_TABLE is not: set the table too, or remove the endpoint', { field: 'DRS_LEDGER_ENDPOINT' });
  }
}
