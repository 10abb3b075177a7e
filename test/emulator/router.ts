import type { EmulatorRoute } from './types.js';

/** Which API a request addresses, with the path parameters it carries. */
export interface RouteMatch {
  route: EmulatorRoute;
  projectId?: string;
  /** SMN topic URN path segment, still as received (maybe percent-encoded). */
  topicUrn?: string;
}

const DRS_ROUTES: ReadonlyMap<string, EmulatorRoute> = new Map([
  ['', 'list'],
  ['/batch-status', 'batch-status'],
  ['/batch-detail', 'batch-detail'],
  ['/batch-retry-task', 'batch-retry'],
]);

/** Maps method and raw path to a route; every served API is a POST, anything else is `unknown`. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  if (method !== 'POST') return { route: 'unknown' };
  if (rawPath === '/v3/auth/tokens') return { route: 'token' };
  const drs = /^\/v3\/([^/]+)\/jobs(\/[^/]+)?$/.exec(rawPath);
  const drsRoute = drs && DRS_ROUTES.get(drs[2] ?? '');
  if (drs?.[1] !== undefined && drsRoute !== undefined && drsRoute !== null) return { route: drsRoute, projectId: drs[1] };
  const smn = /^\/v2\/([^/]+)\/notifications\/topics\/([^/]+)\/publish$/.exec(rawPath);
  if (smn?.[1] !== undefined && smn[2] !== undefined) return { route: 'smn', projectId: smn[1], topicUrn: smn[2] };
  return { route: 'unknown' };
}
