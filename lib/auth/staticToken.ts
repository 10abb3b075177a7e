import type { RequestAuthorizer } from '../http/httpClient.js';

/** A ready IAM token (`OS_AUTH_TOKEN`): used as is, never refreshed. */
export class StaticTokenAuthorizer implements RequestAuthorizer {
  readonly refusal =
    'The token from OS_AUTH_TOKEN was refused: set a fresh one (a token lasts 24 hours and is never renewed here), or use AK/SK or a password instead';

  constructor(private readonly token: string) {}

  async authorize(): Promise<Record<string, string>> {
    return { 'X-Auth-Token': this.token };
  }

  /** Nothing to refresh it with: a refused OS_AUTH_TOKEN is final. */
  invalidate(): boolean {
    return false;
  }
}
