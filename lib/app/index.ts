/**
 * What the faces (the CLI, the Lambda and FunctionGraph handlers) use: the wired run, and what
 * they need to show its report. lib/app is the composition root, the one place that knows every
 * concrete adapter.
 */
export { runAndNotify, type RunAndNotifyOptions } from './runAndNotify.js';
export { isRunFailedError, RunFailedError, type RunLogger, type RunProgress } from '../engine/index.js';
export { FUNCTIONGRAPH_LOG_LINE_BYTES, LAMBDA_LOG_LINE_BYTES, writeReportLog } from '../notify/reportLog.js';
export { fitReport, responseLimitBytes } from '../notify/returnedReport.js';
export { agencyToken } from '../auth/agency.js';
export { createDeadline, type Deadline } from '../core/deadline.js';
export { OUTCOMES, type Outcome } from '../core/outcomes.js';
export { exitCodeOf, type Report } from '../core/report.js';
export { DEFAULT_SHOW, renderReportText, SHOW_CHOICES, type ShowJobs } from '../notify/reportText.js';
