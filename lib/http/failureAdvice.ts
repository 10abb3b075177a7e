import type { FailureKind } from '../core/failureKind.js';
import type { RequestAuthorizer } from './httpClient.js';

/*
 * The words of a failed call: one cause and one fix, for the setting the call's URL came from.
 * Kept apart from the client's retry loop, which only decides what to do.
 */

/** What the advice needs of a failed attempt. */
export interface FailedAttempt {
  status: number;
}

/** The code of a 2xx answer that is not JSON: not the service the variable should point at. */
export const NOT_JSON = 'NOT_JSON';

/** The setting that names each service's endpoint, and what it normally looks like. */
const ENDPOINTS: Array<{ prefix: string; service: string; variable: string; example: string }> = [
  { prefix: 'DRS ', service: 'DRS', variable: 'DRS_ENDPOINT', example: 'https://drs.eu-de.otc.t-systems.com' },
  { prefix: 'IAM ', service: 'IAM', variable: 'OS_AUTH_URL', example: 'https://iam.eu-de.otc.t-systems.com/v3' },
  { prefix: 'SMN ', service: 'SMN', variable: 'SMN_ENDPOINT', example: 'https://smn.eu-de.otc.t-systems.com' },
];

/**
 * One sentence of what to do, for the setting this operation's URL came from: each failure
 * names one cause and one fix, never a list of maybes.
 */
export function adviceFor(kind: FailureKind, operation: string, result: FailedAttempt, apiCode: string | undefined, authorizer: RequestAuthorizer | undefined): string | undefined {
  const endpoint = ENDPOINTS.find((e) => operation.startsWith(e.prefix));
  const variable = endpoint?.variable ?? 'its URL';
  switch (kind) {
    case 'network':
      return `Check ${variable} and the network path to it`;
    case 'tls':
      return `The other end does not speak TLS there: if ${variable} is a plain-HTTP endpoint, write it with http://, else use its HTTPS port`;
    case 'untrusted':
      return `The endpoint's TLS certificate is not trusted: if ${variable} is right and uses a private CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file`;
    case 'throttled':
      return 'DRS is throttling: lower DRS_CONCURRENCY or run less often';
    case 'unauthorized':
      return authorizer?.refusal ?? 'The credentials were refused: check them, and that they may use DRS in this project';
    case 'malformed':
      return endpoint && `This is not how ${endpoint.service} answers: point ${variable} at ${endpoint.service}, e.g. ${endpoint.example}`;
    default:
      // A 404 without an OTC error code: the path does not exist there, so it is not the service.
      return endpoint && result.status === 404 && apiCode === undefined
        ? `There is no ${endpoint.service} API at that URL: point ${variable} at ${endpoint.service}, e.g. ${endpoint.example}`
        : undefined;
  }
}

/** Text without its closing full stop(s), so that a sentence built on it gets exactly one. */
export const sentence = (text: string) => text.replace(/[\s.。]+$/u, '');

/**
 * The transport's message on one line: node's TLS errors carry OpenSSL's multi-line trace
 * ("…:SSL routines:ssl3_get_record:wrong version number:../deps/…"), of which the reason is the point.
 */
export function transportProblem(message: string | undefined): string {
  if (message === undefined) return 'network error';
  const tls = /SSL routines:[^:]*:([^:]+)/.exec(message);
  if (tls?.[1]) return `TLS handshake failed: ${tls[1].trim()}`;
  return message.replace(/\s+/g, ' ').trim();
}
