/** proxy-from-env 2.x (axios's own reader of the proxy variables) ships no types; the proxy tests use it as an oracle. */
declare module 'proxy-from-env' {
  export function getProxyForUrl(url: string | URL): string;
}
