import type { RequestAuthorizer, SignableRequest } from '../http/httpClient.js';
import { AkSkAuthorizer, type AccessKey } from './akskSigner.js';
import type { Clock } from '../core/deadline.js';

const AKSK = 'the agency\'s temporary AK/SK (context.getSecurityAccessKey, getSecuritySecretKey, getSecurityToken)';
const TOKEN = 'its token (context.getToken)';
const FIX = 'check the function\'s agency and that it may use DRS in this project (a new or changed agency takes about 10 minutes to reach FunctionGraph)';

/**
 * FunctionGraph's agency: requests are signed with its temporary AK/SK. DRS documents only
 * token authentication (authentication.rst), so when it refuses the signature (401 or 403),
 * the agency's token is sent as `X-Auth-Token` instead, once and from then on.
 */
export class AgencyAuthorizer implements RequestAuthorizer {
  /** A 403 on a signed request is a refusal of the signature too. */
  readonly refusedOn403 = true;
  private readonly signer: AkSkAuthorizer;
  private usingToken = false;

  constructor(key: AccessKey, projectId: string | undefined, private readonly token: string | undefined, clock?: Clock) {
    this.signer = new AkSkAuthorizer(key, projectId, clock);
  }

  get refusal(): string {
    if (this.usingToken) return `Both ${AKSK} and ${TOKEN} were refused: ${FIX}`;
    return `${AKSK.charAt(0).toUpperCase()}${AKSK.slice(1)} was refused, and the context has no token to fall back on: ${FIX}`;
  }

  async authorize(request: SignableRequest): Promise<Record<string, string>> {
    return this.usingToken && this.token !== undefined ? { 'X-Auth-Token': this.token } : this.signer.authorize(request);
  }

  /** A refused signature switches to the token; a refused token is final. */
  invalidate(refused: Record<string, string>): boolean {
    if (this.token === undefined || 'X-Auth-Token' in refused) return false;
    this.usingToken = true;
    return true;
  }
}
