/**
 * The credentials FunctionGraph gives an event function through its agency, as its context
 * methods return them (README "Deploying on FunctionGraph"). Each getter is optional: the
 * runtime returns an empty string when the function has no agency.
 */
export interface AgencyCredentialSource {
  getSecurityAccessKey?(): unknown;
  getSecuritySecretKey?(): unknown;
  getSecurityToken?(): unknown;
  getToken?(): unknown;
}

/** What the agency offers, in the form of the matching `OS_*` credential settings. */
export type AgencyCredentials =
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken: string }
  | { kind: 'token'; token: string };

function call(getter: (() => unknown) | undefined, source: AgencyCredentialSource): string | undefined {
  const value: unknown = getter?.call(source);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The agency's temporary AK/SK with its security token when the context has all three (they are
 * only valid together), else its IAM token; `undefined` when the function has no agency.
 * Signing is preferred: a signature covers each request, where a token is a bearer secret.
 */
export function agencyCredentials(source: AgencyCredentialSource): AgencyCredentials | undefined {
  const accessKey = call(source.getSecurityAccessKey, source);
  const secretKey = call(source.getSecuritySecretKey, source);
  const securityToken = call(source.getSecurityToken, source);
  if (accessKey !== undefined && secretKey !== undefined && securityToken !== undefined) {
    return { kind: 'aksk', accessKey, secretKey, securityToken };
  }
  const token = call(source.getToken, source);
  return token === undefined ? undefined : { kind: 'token', token };
}

/** The agency's IAM token (`getToken()`), if the context has one. */
export function agencyToken(source: AgencyCredentialSource): string | undefined {
  return call(source.getToken, source);
}
