import { errorResponse, type ApiResponse } from './responses.js';

/** DRS error codes and messages, worded as in the DRS error-code table. */

export const invalidRequest = (): ApiResponse => errorResponse(400, 'DRS.M00007', 'Invalid request parameter.');

export const parameterEmpty = (name: string): ApiResponse =>
  errorResponse(400, 'DRS.M00201', `The parameter ${name} is empty.`);

export const parameterInvalid = (name: string): ApiResponse =>
  errorResponse(400, 'DRS.M00202', `The value of parameter ${name} is invalid.`);

export const pageInvalid = (detail: string): ApiResponse =>
  errorResponse(400, 'DRS.M00210', `The value of Page is invalid, ${detail}`);

export const pageExceeded = (): ApiResponse =>
  errorResponse(400, 'DRS.M00211', 'The value of Page exceeds the upper limit.');

export const duplicates = (name: string): ApiResponse =>
  errorResponse(400, 'DRS.M00301', `There are duplicate ${name} in request.`);

export const serviceAbnormal = (): ApiResponse => errorResponse(500, 'DRS.M00004', 'Service is abnormal. Check logs.');

/** Per-item codes, answered inside `results[]`. */
export const ITEM_ERRORS = {
  notFound: { code: 'DRS.M05003', message: 'Task information not found.' },
  deleted: { code: 'DRS.M05004', message: 'The task has been deleted or the resource has been released.' },
  busy: {
    code: 'DRS.M01504',
    message: 'Another operation is being performed on the migration task or the migration task is abnormal.',
  },
  wrongStatus: { code: 'DRS.M00304', message: 'This API cannot be called in the current task status.' },
  parentTask: { code: 'DRS.M00307', message: 'Only subtasks can invoke this interface.' },
  reEditNotSupported: { code: 'DRS.M00401', message: 'migration is not support re-editing of synchronization tasks.' },
} as const;

