import type { RequestOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/**
 * An https agent whose connections are CONNECT tunnels through a forward proxy: the proxy sees
 * the target's host and port, and then only TLS, since the TLS session runs end to end between
 * the tool and the endpoint (certificates verified as always). Unlike axios's own tunnel
 * (https-proxy-agent 5, a fresh tunnel per request), the tunnels are kept alive and pooled by
 * node's agent, so a run through a proxy opens at most DRS_CONCURRENCY of them, as it does
 * without one.
 */

/** The proxy's answer to CONNECT is a status line and headers; anything longer is not a proxy. */
const MAX_CONNECT_ANSWER = 16 * 1024;

/** A failed CONNECT, with a code the HTTP client can classify and a message without secrets. */
function tunnelError(code: string, message: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message);
  error.code = code;
  return error;
}

export class TunnelAgent extends HttpsAgent {
  readonly #proxy: URL;

  constructor(proxy: URL, options: AgentOptions) {
    super(options);
    this.#proxy = proxy;
  }

  /** Opens the tunnel, then TLS to the endpoint inside it; node's agent pools the result. */
  override createConnection(requestOptions: RequestOptions, callback?: (error: Error | null, socket: Duplex) => void): undefined {
    const options = requestOptions as ConnectionOptions & { host?: string; port?: number; servername?: string };
    const proxy = this.#proxy;
    const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
    const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
    const raw: Socket =
      proxy.protocol === 'https:' ? tlsConnect({ host: proxyHost, port: proxyPort, servername: proxyHost }) : netConnect({ host: proxyHost, port: proxyPort });
    const host = options.host ?? 'localhost';
    const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? 443}`;
    let done = false;
    const finish = (error: Error | null, socket?: Duplex) => {
      if (done) return;
      done = true;
      raw.off('data', onData);
      raw.off('error', onError);
      raw.off('close', onClose);
      if (error) raw.destroy();
      callback?.(error, socket ?? raw);
    };
    let answer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (answer.length > MAX_CONNECT_ANSWER) finish(tunnelError('ERR_PROXY_CONNECT', 'the proxy answered CONNECT with something that is not HTTP'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '200') {
        const what = status === '407' ? 'asks for credentials (407): put them in the proxy URL, http://user:password@host:port' : `answered ${status ?? 'something that is not HTTP'}`;
        finish(tunnelError('ERR_PROXY_CONNECT', `the proxy refused the tunnel to ${target}: it ${what}`));
        return;
      }
      raw.pause();
      // The endpoint's name, not the proxy's, is what the certificate must match.
      const secure = tlsConnect({ ...options, socket: raw, servername: options.servername ?? host });
      finish(null, secure);
    };
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(tunnelError('ECONNRESET', 'the proxy closed the connection before the tunnel was open'));
    raw.on('data', onData);
    raw.on('error', onError);
    raw.on('close', onClose);
    const auth =
      proxy.username === '' ? '' : `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n`;
    raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    return undefined;
  }
}
