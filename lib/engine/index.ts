/** What the faces (the CLI, the Lambda and FunctionGraph handlers) use of the engine. */
export { runAndNotify, type RunAndNotifyOptions } from './runAndNotify.js';
export type { RunLogger } from './ports.js';
export { isRunFailedError, RunFailedError } from './runFailedError.js';
export { FUNCTIONGRAPH_LOG_LINE_BYTES, LAMBDA_LOG_LINE_BYTES, writeReportLog } from './reportLog.js';
export { createDeadline, type Deadline } from '../core/deadline.js';
export { OUTCOMES, type Outcome } from '../core/outcomes.js';
export { exitCodeOf, type Report } from '../core/report.js';
export { DEFAULT_SHOW, renderReportText, SHOW_CHOICES, type ShowJobs } from '../notify/reportText.js';
export type { RunProgress } from './run.js';
