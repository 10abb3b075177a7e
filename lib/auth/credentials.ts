import type { Clock } from '../core/deadline.js';
import { AuthError } from '../errors.js';
import type { HttpClient, RequestAuthorizer } from '../http/httpClient.js';
import { AgencyAuthorizer } from './agencyAuthorizer.js';
import { AkSkAuthorizer } from './akskSigner.js';
import { IamPasswordTokenProvider } from './iamPasswordToken.js';
import type { AuthMethod } from './authMethod.js';
import { StaticTokenAuthorizer } from './staticToken.js';

/** Credentials bound to one project: how to authorise a call, and which project it is. */
export interface ProjectCredentials {
  authorizer: RequestAuthorizer;
  /** The project id for DRS paths; with password auth by project name, IAM tells it. */
  projectId(): Promise<string>;
}

export interface CredentialContext {
  http: HttpClient;
  authUrl: string;
  projectId?: string;
  projectName?: string;
  clock?: Clock;
  /**
   * FunctionGraph: the AK/SK are the agency's, and this is its token (`getToken()`), sent instead
   * once DRS refuses the signature.
   */
  agency?: { token?: string };
}

/** Builds the one credential provider the configuration asks for. */
export function createCredentials(method: AuthMethod, context: CredentialContext): ProjectCredentials {
  const fixedProject = async () => {
    if (context.projectId) return context.projectId;
    throw new AuthError(`${method.kind === 'aksk' ? 'AK/SK' : 'OS_AUTH_TOKEN'} needs OS_PROJECT_ID`, {
      code: 'AUTH_NO_PROJECT',
    });
  };
  switch (method.kind) {
    case 'token':
      return { authorizer: new StaticTokenAuthorizer(method.token), projectId: fixedProject };
    case 'aksk': {
      const { agency } = context;
      const authorizer = agency === undefined
        ? new AkSkAuthorizer(method, context.projectId, context.clock)
        : new AgencyAuthorizer(method, context.projectId, agency.token, context.clock);
      return { authorizer, projectId: fixedProject };
    }
    case 'password': {
      const provider = new IamPasswordTokenProvider(
        context.http,
        { ...method, authUrl: context.authUrl, projectId: context.projectId, projectName: context.projectName },
        context.clock,
      );
      return { authorizer: provider, projectId: () => provider.projectId() };
    }
  }
}
