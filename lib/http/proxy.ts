import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AxiosProxyConfig } from 'axios';
import { getProxyForUrl } from 'proxy-from-env';
import { TunnelAgent } from './proxyTunnel.js';

/**
 * Which way a request goes: straight to the endpoint, or through the proxy that HTTPS_PROXY,
 * HTTP_PROXY and NO_PROXY (or their lower-case forms, which win) name for its URL. The rules are
 * proxy-from-env's, the module axios itself reads them with (README, "Network and proxies").
 */

/** The proxy for this URL, or undefined when it goes direct (no proxy set, or NO_PROXY matches). */
export function proxyFor(url: string): URL | undefined {
  const proxy = getProxyForUrl(url);
  if (proxy === '') return undefined;
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
export function routeFor(url: URL): Route {
  const options = { keepAlive: true };
  const httpAgent = agent('http', () => new HttpAgent(options));
  const proxy = proxyFor(url.href);
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
