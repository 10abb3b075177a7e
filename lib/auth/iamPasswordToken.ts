import type { Clock } from '../core/deadline.js';
import { ApiError, AuthError, DEADLINE_EXCEEDED, DeadlineExceededError, DrsAutoRetryError, messageOf } from '../errors.js';
import type { EndpointAdvice } from '../http/failureAdvice.js';
import type { HttpClient, RequestAuthorizer } from '../http/httpClient.js';

/** IAM password credentials, scoped to one project by id or by name. */
export interface PasswordCredentials {
  authUrl: string;
  username: string;
  password: string;
  domainName: string;
  projectId?: string;
  projectName?: string;
}

/** A token and what IAM said about it. The token itself is never logged. */
interface IssuedToken {
  token: string;
  expiresAt: number;
  projectId: string | undefined;
}

/**
 * What a failed IAM call tells the user to check. Throttling and refusal keep the words the DRS
 * calls use: a login is made for DRS, and a 401 here becomes refusedLogin's own message anyway.
 */
const IAM_ADVICE: EndpointAdvice = {
  service: 'IAM',
  setting: 'OS_AUTH_URL',
  example: 'https://iam.eu-de.otc.t-systems.com/v3',
  throttled: 'DRS is throttling: lower DRS_CONCURRENCY or run less often',
  refused: 'The credentials were refused: check them, and that they may use DRS in this project',
};

/** Refresh this long before `expires_at`, so that no call goes out with a dying token. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * IAM token from username and password (`POST /v3/auth/tokens`). The token is cached until
 * shortly before `expires_at`; callers that ask at the same time share one IAM request; a token
 * that DRS refuses is dropped once, so the next caller fetches exactly one new token.
 */
export class IamPasswordTokenProvider implements RequestAuthorizer {
  private current: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;
  /** IAM accepted the login, and DRS still refused its token (even a fresh one): a permission matter. */
  readonly refusal =
    'The token of the password login (OS_USERNAME) was refused even when fresh: give that user DRS permissions in this project';

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: PasswordCredentials,
    private readonly clock: Clock = Date.now,
  ) {
    if (!credentials.projectId && !credentials.projectName) {
      throw new AuthError('IAM token needs a project scope: set OS_PROJECT_ID or OS_PROJECT_NAME', {
        code: 'AUTH_NO_PROJECT',
      });
    }
  }

  async authorize(): Promise<Record<string, string>> {
    const { token } = await this.token();
    return { 'X-Auth-Token': token };
  }

  invalidate(refused: Record<string, string>): boolean {
    // Only the first caller that saw this token refused drops it; the others then find the
    // refresh already under way and share it.
    if (this.current && this.current.token === refused['X-Auth-Token']) this.current = undefined;
    return true;
  }

  /** The id of the project the token is scoped to (read from IAM when only a name was given). */
  async projectId(): Promise<string> {
    if (this.credentials.projectId) return this.credentials.projectId;
    const issued = await this.token();
    if (!issued.projectId) {
      throw new AuthError(`IAM issued a token without a project for "${this.credentials.projectName}": set OS_PROJECT_ID`, {
        code: 'AUTH_NO_PROJECT',
      });
    }
    return issued.projectId;
  }

  private async token(): Promise<IssuedToken> {
    if (this.current && this.clock() < this.current.expiresAt - TOKEN_REFRESH_MARGIN_MS) return this.current;
    this.pending ??= this.issue()
      .then((issued) => (this.current = issued))
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async issue(): Promise<IssuedToken> {
    const { credentials } = this;
    const scope = credentials.projectId ? { id: credentials.projectId } : { name: credentials.projectName };
    const url = `${credentials.authUrl.replace(/\/+$/, '')}/auth/tokens?nocatalog=true`;
    let response;
    try {
      response = await this.http.request<{ token?: { expires_at?: string; project?: { id?: string } } }>({
        operation: 'IAM token',
        advice: IAM_ADVICE,
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json;charset=utf8' },
        body: {
          auth: {
            identity: {
              methods: ['password'],
              password: {
                user: { name: credentials.username, password: credentials.password, domain: { name: credentials.domainName } },
              },
            },
            scope: { project: scope },
          },
        },
      });
    } catch (error) {
      // The run's budget ran out before IAM answered: that is the budget, not a login problem.
      if (error instanceof DeadlineExceededError) throw error;
      if (error instanceof DrsAutoRetryError && error.code === DEADLINE_EXCEEDED) {
        throw new DeadlineExceededError("IAM token: no answer before the run's time budget (DRS_DEADLINE_MS) ran out; the jobs are left for the next run", { cause: error });
      }
      const status = error instanceof ApiError || error instanceof AuthError ? error.status : undefined;
      const refused = status === 400 || status === 401 || status === 403;
      // The HTTP client's message already names OS_AUTH_URL and its fix for every other failure.
      throw new AuthError(refused ? refusedLogin(error, status) : messageOf(error), {
        code: error instanceof DrsAutoRetryError ? error.code : 'AUTH_FAILED',
        status,
        cause: error,
      });
    }
    const token = response.headers['x-subject-token'];
    const expiresAt = Date.parse(response.data?.token?.expires_at ?? '');
    if (!token) throw new AuthError('IAM answered without an X-Subject-Token header', { code: 'AUTH_NO_TOKEN' });
    return {
      token,
      // Without a readable expiry, trust the documented 24 h validity, less the margin.
      expiresAt: Number.isNaN(expiresAt) ? this.clock() + 24 * 3_600_000 : expiresAt,
      projectId: response.data?.token?.project?.id,
    };
  }
}

/** IAM's own words for a refused login, then the variables that make it up (one cause, one fix). */
function refusedLogin(error: unknown, status: number | undefined): string {
  const api = error instanceof ApiError ? error : error instanceof AuthError && error.cause instanceof ApiError ? error.cause : undefined;
  const said = [api?.apiCode, api?.apiMessage?.replace(/[\s.]+$/, '')].filter(Boolean).join(' ');
  return `IAM refused the password login (HTTP ${status ?? '?'}${said ? ` ${said}` : ''}). `
    + 'Check OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME, and that the user may use the project OS_PROJECT_ID (or OS_PROJECT_NAME) names.';
}
