/** proxy-from-env 2.x (axios's own reader of the proxy variables) ships no types. */
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY / ALL_PROXY, or '' when none applies or NO_PROXY matches. */
  export function getProxyForUrl(url: string | URL): string;
}
