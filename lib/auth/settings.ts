import type { AccessKey } from './akskSigner.js';

/**
 * How the tool proves who it is to IAM and DRS (README "Configuration"): a ready token, AK/SK
 * request signing, or an IAM password login. When several are set, the first in this order wins.
 */
export type AuthSettings =
  | { kind: 'token'; token: string }
  | ({ kind: 'aksk' } & AccessKey)
  | { kind: 'password'; username: string; password: string; domainName: string };

/** The variables of each method, as the info line about an ignored method names them. */
export const AUTH_VARIABLES: Readonly<Record<AuthSettings['kind'], string>> = {
  token: 'OS_AUTH_TOKEN',
  aksk: 'OS_ACCESS_KEY/OS_SECRET_KEY',
  password: 'OS_USERNAME/OS_PASSWORD',
};
