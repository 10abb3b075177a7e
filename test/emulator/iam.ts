import { createHash } from 'node:crypto';
import { isRecord, type ParsedBody } from './json.js';
import { errorResponse, type ApiResponse } from './responses.js';
import type { IssuedToken, TokenStore } from './tokens.js';
import type { EmulatorProject, EmulatorUser } from './types.js';

/** `POST /v3/auth/tokens` with the password method, as on the IAM "password authentication" page. */

export interface IamDeps {
  users: readonly EmulatorUser[];
  projects: ReadonlyMap<string, EmulatorProject>;
  tokens: TokenStore;
  /** The emulator origin, for the catalog. */
  baseUrl: () => string;
}

const bodyInvalid = (): ApiResponse => errorResponse(400, 'IAM.0011', 'Request body is invalid.');
const required = (key: string): ApiResponse => errorResponse(400, 'IAM.0072', `'${key}' is a required property.`);

/** Stable 32-hex ids derived from names, so user and domain ids look real and never change. */
function idFor(kind: string, name: string): string {
  return createHash('sha256').update(`${kind}:${name}`).digest('hex').slice(0, 32);
}

/** IAM prints microseconds: 2015-11-09T01:42:57.527363Z. */
function iamTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

type Credentials = { name: string; password: string; domain: string };

function readCredentials(auth: Record<string, unknown>): Credentials | ApiResponse {
  const identity = auth.identity;
  if (!isRecord(identity)) return required('identity');
  const methods = identity.methods;
  if (!Array.isArray(methods)) return required('methods');
  if (!methods.includes('password')) {
    return errorResponse(400, 'IAM.0073', `Invalid input for field 'methods'. The value is '${JSON.stringify(methods)}'.`);
  }
  const password = identity.password;
  if (!isRecord(password)) return required('password');
  const user = password.user;
  if (!isRecord(user)) return required('user');
  if (!nonEmptyString(user.name)) return required('name');
  if (!nonEmptyString(user.password)) return required('password');
  const domain = user.domain;
  if (!isRecord(domain) || !nonEmptyString(domain.name)) return required('domain');
  return { name: user.name, password: user.password, domain: domain.name };
}

/** The project of a project scope; `null` for domain or no scope (the doc: project wins over domain). */
function readScope(auth: Record<string, unknown>, projects: ReadonlyMap<string, EmulatorProject>): EmulatorProject | null | ApiResponse {
  const scope = auth.scope;
  if (scope === undefined || scope === null) return null;
  if (!isRecord(scope)) return errorResponse(400, 'IAM.0007', 'Request parameter scope is invalid.');
  const project = scope.project;
  if (project === undefined || project === null) return null;
  if (!isRecord(project)) return errorResponse(400, 'IAM.0007', 'Request parameter scope.project is invalid.');
  // "You can specify either id or name"; when both are sent, the id decides.
  const found = nonEmptyString(project.id)
    ? projects.get(project.id)
    : [...projects.values()].find((p) => nonEmptyString(project.name) && p.name === project.name);
  return found ?? errorResponse(400, 'IAM.1109', 'The project information cannot be found.');
}

function catalog(base: string, projectId: string | undefined): unknown[] {
  // IAM itself is global ('*'); DRS and SMN are regional.
  const service = (type: string, name: string, url: string, region = 'eu-de'): Record<string, unknown> => ({
    type,
    id: idFor('service', name),
    name,
    endpoints: [{ url, region, region_id: region, interface: 'public', id: idFor('endpoint', name) }],
  });
  const drsPath = projectId === undefined ? '' : `/v3/${projectId}`;
  return [service('identity', 'iam', `${base}/v3`, '*'), service('drs', 'drs', `${base}${drsPath}`), service('smn', 'smn', base)];
}

function tokenBody(token: IssuedToken, project: EmulatorProject | null, deps: IamDeps, withCatalog: boolean): unknown {
  const domain = { name: token.domainName, id: idFor('domain', token.domainName) };
  return {
    token: {
      methods: ['password'],
      expires_at: iamTime(token.expiresAt),
      issued_at: iamTime(token.issuedAt),
      user: { domain, id: idFor('user', `${token.domainName}/${token.userName}`), name: token.userName, password_expires_at: '' },
      ...(project === null ? { domain } : { project: { id: project.id, name: project.name, domain } }),
      roles: [{ name: 'te_admin', id: '0' }],
      ...(withCatalog && { catalog: catalog(deps.baseUrl(), project?.id) }),
    },
  };
}

/** Answers a token request; the token goes in `X-Subject-Token`, never in the body. */
export function handleTokenRequest(rawQuery: string, parsed: ParsedBody, deps: IamDeps): ApiResponse {
  if (!parsed.ok || !isRecord(parsed.value)) return bodyInvalid();
  const auth = parsed.value.auth;
  if (!isRecord(auth)) return required('auth');
  const credentials = readCredentials(auth);
  if ('status' in credentials) return credentials;
  const user = deps.users.find((u) => u.name === credentials.name && u.domain === credentials.domain);
  if (user === undefined) return errorResponse(401, 'IAM.0001', 'The request you have made requires authentication.');
  if (user.password !== credentials.password) return errorResponse(401, 'IAM.0062', 'Incorrect password.');
  const project = readScope(auth, deps.projects);
  if (project !== null && 'status' in project) return project;

  const token = deps.tokens.issue(user.name, user.domain, project?.id);
  // "Any non-empty string for this parameter will be interpreted as true."
  const noCatalog = new URLSearchParams(rawQuery).get('nocatalog');
  const withCatalog = noCatalog === null || noCatalog === '';
  return { status: 201, body: tokenBody(token, project, deps, withCatalog), headers: { 'X-Subject-Token': token.value } };
}
