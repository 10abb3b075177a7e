/**
 * What kind of failure an OTC answer (or its absence) is. Pure: the HTTP retry loop decides by it
 * whether to try again, and the engine whether DRS looked at a retry request and said no.
 */

/** Why an attempt failed, as far as retrying is concerned. */
export type FailureKind =
  /** No answer: reset, refused, timeout, truncated body. */
  | 'network'
  /** No TLS connection: the endpoint's certificate is not trusted, or not for this host. */
  | 'untrusted'
  /** No TLS connection: the other end does not speak TLS there (an https:// URL on a plain-HTTP port). */
  | 'tls'
  /** 5xx, or a gateway's HTML page. */
  | 'server'
  /** 429, 400 DRS.M01503, or APIG.0308: the API asks us to slow down. */
  | 'throttled'
  /** A 2xx whose body is not the JSON it should be. */
  | 'malformed'
  /** 401, or 403 DRS.M00100: the credential is not (or no longer) valid. */
  | 'unauthorized'
  /**
   * 403 DRS.M00102 or 401 DRS.M00103: the credential is valid, but its IAM rights lack the
   * operation. The same for every job and every retry: a configuration problem, never retried.
   */
  | 'forbidden'
  /** Anything else: a definite answer that retrying will not change. */
  | 'final';

/** Codes that mean "too many requests", whatever HTTP status carries them. */
const THROTTLE_CODES = new Set(['DRS.M01503', 'APIG.0308']);
/**
 * "Insufficient user permissions" (403) and "You do not have operation permissions. Check account
 * permissions on IAM" (401): DRS error_code.rst, lines 23 and 25.
 */
const PERMISSION_CODES = new Set(['DRS.M00102', 'DRS.M00103']);
/** Codes that mean "your token is no good" (besides a bare 401). */
const INVALID_TOKEN_CODES = new Set(['DRS.M00100', 'APIG.1002', 'APIG.0307', 'IAM.0066', 'IAM.0067']);

/** Node's codes for a certificate it will not trust: no second attempt changes that. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A TLS handshake that failed for good: node's EPROTO, or OpenSSL's own ERR_SSL_* codes. */
const isTlsFailure = (code: string) => code === 'EPROTO' || code.startsWith('ERR_SSL_');

/**
 * Classifies an answer (or its absence, status 0, with the transport's error code) for the
 * retry loop.
 */
export function classifyFailure(status: number, apiCode: string | undefined, bodyParsed: boolean, transportCode?: string): FailureKind {
  if (status === 0) {
    if (transportCode !== undefined && CERTIFICATE_CODES.has(transportCode)) return 'untrusted';
    return transportCode !== undefined && isTlsFailure(transportCode) ? 'tls' : 'network';
  }
  if (status === 429 || (apiCode !== undefined && THROTTLE_CODES.has(apiCode))) return 'throttled';
  // Before the 401 rule: a refresh cannot give a credential rights it lacks.
  if (apiCode !== undefined && PERMISSION_CODES.has(apiCode)) return 'forbidden';
  if (status === 401 || (status === 403 && apiCode !== undefined && INVALID_TOKEN_CODES.has(apiCode))) {
    return 'unauthorized';
  }
  if (status >= 500) return 'server';
  if (status >= 200 && status < 300 && !bodyParsed) return 'malformed';
  return 'final';
}
