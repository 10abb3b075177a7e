import type { ServerResponse } from 'node:http';
import type { FaultRule } from './faults.js';
import { errorResponse, sendResponse, smnError, type ApiResponse } from './responses.js';
import type { EmulatorRoute } from './types.js';

/** How each fault kind looks on the wire. */

/** Each service's own 500 body, so clients see the shape they would see from that service. */
function serverError(route: EmulatorRoute): ApiResponse {
  if (route === 'smn') return smnError(500, 'SMN.0018', 'Service internal error.');
  if (route === 'token') {
    return errorResponse(500, 'IAM.0006', 'An unexpected error prevented the server from fulfilling your request.');
  }
  return errorResponse(500, 'DRS.M00004', 'Service is abnormal. Check logs.');
}

const GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Answers (or refuses to answer) with the fault. Returns `continue` for `latency`, whose delay the
 * server has already waited, so the request is then answered normally.
 */
export function executeFault(rule: FaultRule, route: EmulatorRoute, res: ServerResponse): 'handled' | 'continue' {
  switch (rule.kind) {
    // Service faults (the last three) are answered by dispatch, after authentication (serviceFaultResponse).
    case 'latency':
    case 'expire-tokens':
    case 'permission-denied':
    case 'no-operation-permission':
    case 'error-in-2xx':
      return 'continue';
    case 'throttle':
      // DRS reports throttling as HTTP 400, not 429 (DRS error-code table).
      sendResponse(res, errorResponse(400, 'DRS.M01503', 'Operation too frequent. Try again later.'));
      return 'handled';
    case 'rate-limit':
      sendResponse(res, {
        ...errorResponse(429, 'APIG.0308', 'The request is throttled.'),
        headers: { 'Retry-After': String(rule.retryAfterSeconds ?? 1) },
      });
      return 'handled';
    case 'server-error':
      sendResponse(res, serverError(route));
      return 'handled';
    case 'reset':
      res.socket?.destroy();
      return 'handled';
    case 'hang':
      // Never answered; close() destroys the socket.
      return 'handled';
    case 'malformed-json':
      res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end('{"results":[{"id":"24834eb6-be30-464e-a299-f7aa730jb101","status":');
      return 'handled';
    case 'html':
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(GATEWAY_PAGE);
      return 'handled';
    case 'truncated': {
      const body = Buffer.from('{"results":[{"id":"24834eb6-be30-464e-a299-f7aa730jb101","status":"INCRE_TRANSFER_STARTED"}],"count":1}');
      const sent = body.subarray(0, Math.floor(body.length / 2));
      res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': String(body.length) });
      // Ending the socket (not the response) leaves the promised Content-Length unmet.
      res.write(sent, () => res.socket?.end());
      return 'handled';
    }
  }
}

/** error_code.rst's 2xx codes with their statuses (lines 79 and 87); any other code is sent with 200. */
const TWO_XX_ERRORS: ReadonlyMap<string, { status: number; message: string }> = new Map([
  ['DRS.M01504', { status: 202, message: 'Another operation is being performed on the migration task or the migration task is abnormal.' }],
  ['DRS.M05066', { status: 200, message: 'Failed to create instance!' }],
]);

/** DRS's answer for a `service` fault (faults.ts `phaseOf`), given once the credentials passed. */
export function serviceFaultResponse(rule: FaultRule): ApiResponse {
  switch (rule.kind) {
    case 'permission-denied':
      // error_code.rst:23; status_code.rst:65-67 (403: "Do not retry the request before modification").
      return errorResponse(403, 'DRS.M00102', 'Insufficient user permissions.');
    case 'no-operation-permission':
      // error_code.rst:25.
      return errorResponse(401, 'DRS.M00103', 'You do not have operation permissions. Check account permissions on IAM.');
    default: {
      // abnormal_request_results.rst:15-17: the abnormal body is error_code + error_msg, and nothing else.
      const code = rule.errorCode ?? 'DRS.M01504';
      const known = TWO_XX_ERRORS.get(code);
      return errorResponse(known?.status ?? 200, code, known?.message ?? 'Service error.');
    }
  }
}
