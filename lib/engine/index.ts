/** What the composition root (lib/app) uses of the engine. */
export { runAutoRetry, type RunContext, type RunDependencies, type RunProgress } from './run.js';
export type { DrsPort, RetryLedger, RunLogger, RunSettings, SinkToldRecord } from './ports.js';
export { isRunFailedError, RunFailedError } from './runFailedError.js';
