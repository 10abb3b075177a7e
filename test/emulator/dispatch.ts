import type { IncomingHttpHeaders } from 'node:http';
import { authenticate, type AuthDeps, type AuthFailure } from './auth.js';
import { handleBatchQuery } from './drsBatchQuery.js';
import { invalidRequest } from './drsErrors.js';
import { handleList } from './drsList.js';
import { handleRetry } from './drsRetry.js';
import { serviceFaultResponse } from './faultActions.js';
import type { FaultInjector } from './faults.js';
import { handleTokenRequest, type IamDeps } from './iam.js';
import type { ParsedBody } from './json.js';
import { errorResponse, NOT_FOUND, smnError, type ApiResponse } from './responses.js';
import type { RouteMatch } from './router.js';
import type { SmnService } from './smn.js';
import type { TaskStore } from './taskStore.js';

/** Everything the routes read or change. */
export interface Services extends AuthDeps, IamDeps {
  tasks: TaskStore;
  smn: SmnService;
  faults: FaultInjector;
}

/** A fully read request. */
export interface ReceivedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: ParsedBody;
}

/**
 * SMN speaks `{request_id, code, message}`. Gateway (APIG.*) codes pass through in that shape;
 * DRS-specific codes become their SMN counterparts from the SMN error table.
 */
function smnAuthError(failure: AuthFailure): ApiResponse {
  if (failure.code === 'DRS.M00100') return smnError(403, 'SMN.0022', 'Parameter: token is invalid.');
  if (failure.code === 'DRS.M00261') return smnError(403, 'SMN.0001', 'No permission to request resources.');
  return smnError(failure.status, failure.code, failure.message);
}

/** Routes a received request to its handler; authentication comes before the body is looked at. */
export function dispatch(match: RouteMatch, req: ReceivedRequest, services: Services): ApiResponse {
  if (match.route === 'unknown' || (match.route !== 'token' && match.projectId === undefined)) return NOT_FOUND;
  if (match.route === 'token') return { ...handleTokenRequest(req.rawQuery, req.body, services), served: true };

  const projectId = match.projectId ?? '';
  const failure = authenticate({ ...req, body: req.rawBody, projectId }, services);
  if (match.route === 'smn') {
    return failure ? smnAuthError(failure) : { ...services.smn.publish(projectId, match.topicUrn ?? '', req.body), served: true };
  }
  if (failure) return errorResponse(failure.status, failure.code, failure.message);
  // DRS checks the caller's permissions (and may answer a 2xx error) only once the credentials passed.
  const fault = services.faults.take(match.route, 'service');
  if (fault !== undefined) return { ...serviceFaultResponse(fault), fault: fault.kind };
  return { ...serveDrs(match.route, projectId, req.body, services), served: true };
}

function serveDrs(route: RouteMatch['route'], projectId: string, body: ParsedBody, services: Services): ApiResponse {
  switch (route) {
    case 'batch-status':
      return handleBatchQuery('status', projectId, body, services.tasks);
    case 'batch-detail':
      return handleBatchQuery('detail', projectId, body, services.tasks);
    case 'list':
      return handleList(projectId, body, services.tasks);
    case 'batch-retry':
      return handleRetry(projectId, body, services.tasks, services.now);
    default:
      return invalidRequest();
  }
}
