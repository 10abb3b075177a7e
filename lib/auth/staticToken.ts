import type { RequestAuthorizer } from '../http/httpClient.js';

/** A ready IAM token (`OS_AUTH_TOKEN`): used as is, never refreshed. */
export class StaticTokenAuthorizer implements RequestAuthorizer {
  constructor(private readonly token: string) {}

  async authorize(): Promise<Record<string, string>> {
    return { 'X-Auth-Token': this.token };
  }

  /** Nothing to refresh it with: a refused OS_AUTH_TOKEN is final. */
  invalidate(): boolean {
    return false;
  }
}
