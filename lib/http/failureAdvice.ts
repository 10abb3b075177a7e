import type { FailureKind } from '../core/failureKind.js';

/*
 * The words of a failed call: one cause and one fix, for the setting the call's URL came from.
 * Kept apart from the client's retry loop, which only decides what to do. The HTTP layer knows
 * no service and no setting: the adapter that owns an endpoint (the DRS client, the IAM token
 * provider, the SMN sink) hands its EndpointAdvice in with each request.
 */

/**
 * What a failed call to one endpoint should tell the user, from the adapter that owns it.
 * Without it, the advice speaks of "its URL" and of no service.
 */
export interface EndpointAdvice {
  /** The service as users know it, e.g. `DRS`. */
  service: string;
  /** The setting the URL came from, e.g. `DRS_ENDPOINT`. */
  setting: string;
  /** What the setting normally looks like, e.g. `https://drs.eu-de.otc.t-systems.com`. */
  example: string;
  /** What to do when the service keeps throttling. */
  throttled: string;
  /** What to do when the credentials are refused and the credential has no words of its own. */
  refused: string;
}

/** What the advice needs of a failed attempt. */
export interface FailedAttempt {
  status: number;
  apiCode: string | undefined;
  /** The credential's own words for a refusal (RequestAuthorizer.refusal), if it has any. */
  refusal: string | undefined;
  /** What the call needs in IAM (HttpRequest.permission), said when it is refused for lack of rights. */
  permission?: string;
}

/** The code of a 2xx answer that is not JSON: not the service the variable should point at. */
export const NOT_JSON = 'NOT_JSON';

/**
 * One sentence of what to do, for the setting this call's URL came from: each failure names one
 * cause and one fix, never a list of maybes.
 */
export function adviceFor(kind: FailureKind, failed: FailedAttempt, endpoint: EndpointAdvice | undefined): string | undefined {
  const variable = endpoint?.setting ?? 'its URL';
  switch (kind) {
    case 'network':
      return `Check ${variable} and the network path to it`;
    case 'tls':
      return `The other end does not speak TLS there: if ${variable} is a plain-HTTP endpoint, write it with http://, else use its HTTPS port`;
    case 'untrusted':
      return `The endpoint's TLS certificate is not trusted: if ${variable} is right and uses a private CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file`;
    case 'throttled':
      return endpoint?.throttled ?? 'The service is throttling: send less often';
    case 'unauthorized':
      return failed.refusal ?? endpoint?.refused ?? 'The credentials were refused: check them';
    case 'forbidden':
      return failed.permission ?? 'The credentials lack the IAM permission for this call: grant it in IAM';
    case 'malformed':
      return endpoint && `This is not how ${endpoint.service} answers: point ${variable} at ${endpoint.service}, e.g. ${endpoint.example}`;
    default:
      // A 404 without an OTC error code: the path does not exist there, so it is not the service.
      return endpoint && failed.status === 404 && failed.apiCode === undefined
        ? `There is no ${endpoint.service} API at that URL: point ${variable} at ${endpoint.service}, e.g. ${endpoint.example}`
        : undefined;
  }
}

/** A throttled service that accepted nothing for `starvedMs`: the run gives up on it. */
export function starvedAdvice(starvedMs: number, endpoint: EndpointAdvice | undefined): string {
  const duration = starvedMs >= 60_000 ? `${Math.round(starvedMs / 60_000)} minutes` : `${Math.round(starvedMs / 1000)} s`;
  return `${endpoint?.service ?? 'The service'} accepted none of this run's requests for ${duration}; the next run tries again`;
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
