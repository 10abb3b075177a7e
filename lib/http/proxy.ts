import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import { TunnelAgent } from './proxyTunnel.js';

/**
 * Which way a request goes: straight to the endpoint, or through the proxy the run's settings
 * name for its URL (README, "Network and proxies"). The rules are those of proxy-from-env 2.1.0
 * (MIT), the module axios reads the same variables with, applied to values handed in rather than
 * read from `process.env`, so FunctionGraph's user data can set them too.
 */

/** The proxies to use, by the scheme of the endpoint, and the hosts that go direct. */
export interface Proxies {
  /** For https: endpoints (HTTPS_PROXY). */
  https?: string;
  /** For http: endpoints (HTTP_PROXY). */
  http?: string;
  /** For either, where its own is unset (ALL_PROXY). */
  all?: string;
  /** Hosts that go direct (NO_PROXY): `example.com`, `.example.com`, `*.example.com`, `host:port`, `*`. */
  noProxy?: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** False when NO_PROXY names the host (and port, if it names one). */
function shouldProxy(hostname: string, port: number, noProxy: string): boolean {
  const entries = noProxy.toLowerCase();
  if (entries === '') return true;
  if (entries === '*') return false;
  return entries.split(/[,\s]/).every((entry) => {
    if (entry === '') return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const host = withPort?.[1] ?? entry;
    if (withPort?.[2] !== undefined && Number(withPort[2]) !== port) return true;
    if (!/^[.*]/.test(host)) return hostname !== host;
    return !hostname.endsWith(host.replace(/^\*/, ''));
  });
}

/** The proxy for this URL, or undefined when it goes direct (no proxy set, or NO_PROXY matches). */
export function proxyFor(url: string, proxies: Proxies): URL | undefined {
  const target = URL.canParse(url) ? new URL(url) : undefined;
  if (target === undefined || target.host === '') return undefined;
  const scheme = target.protocol.replace(/:$/, '');
  // The host without its port, brackets of an IPv6 address kept.
  const hostname = target.host.replace(/:\d*$/, '');
  const port = Number.parseInt(target.port, 10) || DEFAULT_PORTS[scheme] || 0;
  if (!shouldProxy(hostname, port, proxies.noProxy ?? '')) return undefined;
  let proxy = (scheme === 'https' ? proxies.https : scheme === 'http' ? proxies.http : undefined) || proxies.all || '';
  if (proxy === '') return undefined;
  // A proxy without a scheme takes the endpoint's, as curl does.
  if (!proxy.includes('://')) proxy = `${scheme}://${proxy}`;
  return URL.canParse(proxy) ? new URL(proxy) : undefined;
}

/** What axios is given for one request: always an explicit proxy setting, and the agents. */
export interface Route {
  proxy: AxiosProxyConfig | false;
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
}

// Keep-alive: a run makes hundreds of requests to one endpoint, and a TLS handshake each would
// dominate. Idle sockets are unref'd by the agent, so they never keep a process alive. One pool
// per protocol (and per proxy, for tunnels), shared by every request: the DRS client's
// concurrency limit then also bounds the sockets, and the token's connection is reused.
const agents = new Map<string, HttpAgent>();
function agent<T extends HttpAgent>(key: string, create: () => T): T {
  let found = agents.get(key) as T | undefined;
  if (found === undefined) {
    found = create();
    agents.set(key, found);
  }
  return found;
}

/**
 * The route of one request. axios is never left to read the proxy variables itself: for https
 * it would open a new CONNECT tunnel per request; here tunnels are kept alive like any socket.
 * Plain http through a proxy is sent in absolute form, which axios does with the proxy setting.
 */
export function routeFor(url: URL, proxies: Proxies): Route {
  const options = { keepAlive: true };
  const httpAgent = agent('http', () => new HttpAgent(options));
  const proxy = proxyFor(url.href, proxies);
  if (proxy === undefined) return { proxy: false, httpAgent, httpsAgent: agent('https', () => new HttpsAgent(options)) };
  if (url.protocol === 'https:') {
    const tunnel = agent(`tunnel ${proxy.href}`, () => new TunnelAgent(proxy, options));
    return { proxy: false, httpAgent, httpsAgent: tunnel };
  }
  const config: AxiosProxyConfig = {
    protocol: proxy.protocol.replace(/:$/, ''),
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
  };
  if (proxy.username !== '') config.auth = { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  return { proxy: config, httpAgent, httpsAgent: agent('https', () => new HttpsAgent(options)) };
}
