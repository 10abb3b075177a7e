import { randomUUID } from 'node:crypto';
import type { RunLogger } from '../engine/index.js';

/** A face's logger (pino's fits): the run's, once the run's id is bound to it. */
export interface FaceLogger extends RunLogger {
  child?(bindings: Record<string, unknown>): FaceLogger;
  /** The fields every line of this logger already carries. */
  bindings?(): Record<string, unknown>;
}

/**
 * The run's id, and the face's logger with that id on every line, bound exactly once. pino writes
 * a child's bindings and a line's own fields side by side, so a line that named the runId again,
 * or a second child binding it, would hold the key twice (issue 21). A face that bound an id
 * itself (the functions, so that their middlewares' lines carry it) keeps it.
 */
export function bindRunId(logger: FaceLogger, runId: string | undefined): { runId: string; logger: RunLogger } {
  const bound = logger.bindings?.().runId;
  if (typeof bound === 'string') return { runId: bound, logger };
  const id = runId ?? randomUUID();
  return { runId: id, logger: logger.child?.({ runId: id }) ?? logger };
}
