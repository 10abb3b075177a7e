import type { AccessKey } from './akskSigner.js';

/**
 * How the tool proves who it is to IAM and DRS (README "Configuration"): a ready token, AK/SK
 * request signing, or an IAM password login. When several are set, the first in this order wins.
 */
export type AuthMethod =
  | { kind: 'token'; token: string }
  | ({ kind: 'aksk' } & AccessKey)
  | { kind: 'password'; username: string; password: string; domainName: string };
