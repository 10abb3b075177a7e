import type { JobOutcome, TaskItem } from '../core/outcomes.js';
import type { PlannedJob } from '../core/plan.js';
import type { RunError } from '../core/report.js';
import { outcomeOfRetryAnswer } from '../core/retryAnswers.js';
import type { RetryPort } from './ports.js';
import { ApiError, DeadlineExceededError, messageOf, stopsTheRun } from '../errors.js';
import { classifyFailure } from '../core/failureKind.js';

/** What one retry batch settled. */
export interface BatchResult {
  /** One outcome per job of the batch. */
  outcomes: JobOutcome[];
  /** Set when the credentials were refused or lack the rights: the run as a whole failed. */
  runError?: RunError;
}

/**
 * Sends one batch in one batch-retry-task request and gives every job of it an outcome. A
 * request DRS rejects as a whole is split (see below); nothing here throws for DRS trouble.
 */
export async function retryBatch(batch: PlannedJob[], port: RetryPort): Promise<BatchResult> {
  const result: BatchResult = { outcomes: [] };
  result.outcomes = await sendChunk(batch, port, result);
  return result;
}

async function sendChunk(chunk: PlannedJob[], port: RetryPort, result: BatchResult): Promise<JobOutcome[]> {
  let answers: TaskItem[];
  try {
    answers = await port.batchRetry(chunk.map(({ jobId, reEdit }) => ({ jobId, reEdit })));
  } catch (error) {
    return handleChunkFailure(chunk, error, port, result);
  }
  const byId = new Map(answers.map((answer) => [answer.id, answer]));
  return chunk.map((job) => outcomeOfRetryAnswer(job, byId.get(job.jobId)));
}

async function handleChunkFailure(
  chunk: PlannedJob[],
  error: unknown,
  port: RetryPort,
  result: BatchResult,
): Promise<JobOutcome[]> {
  // Refused credentials or missing rights are the same for every job: no split, no per-job retry.
  if (stopsTheRun(error)) {
    result.runError ??= { code: error.code, message: error.message };
    return defer(chunk, `not sent: ${error.message}`);
  }
  if (error instanceof DeadlineExceededError) return defer(chunk, 'not sent: the time budget (DRS_DEADLINE_MS) ran out');
  if (error instanceof ApiError && error.inSuccessStatus) {
    // DRS's verdict on the whole request (say 202 DRS.M01504, busy): each job gets it, with its
    // code, as if DRS had said it per item.
    const answer = { status: 'failed', errorCode: error.apiCode, errorMessage: error.apiMessage };
    return chunk.map((job) => outcomeOfRetryAnswer(job, { id: job.jobId, ...answer }));
  }
  if (error instanceof ApiError && isDefiniteRejection(error)) {
    // A whole-request 400 without per-item results: split the chunk so one bad id cannot
    // sink the rest. A single job rejected this way has really failed.
    if (chunk.length > 1) {
      const middle = Math.ceil(chunk.length / 2);
      const halves = await Promise.all([
        sendChunk(chunk.slice(0, middle), port, result),
        sendChunk(chunk.slice(middle), port, result),
      ]);
      return halves.flat();
    }
    return chunk.map((job) => ({
      jobId: job.jobId,
      status: job.status,
      outcome: 'retry_failed' as const,
      ...(error.apiCode ? { errorCode: error.apiCode } : {}),
      ...(error.apiMessage ? { errorMessage: error.apiMessage } : {}),
      reason: 'DRS rejected the retry request for this job',
    }));
  }
  // Throttling that outlasted the retry budget, 5xx, resets, timeouts: DRS may or may not
  // have acted, and the next run re-reads the status and decides again.
  return defer(chunk, `retry request did not complete: ${messageOf(error)}`);
}

/** A 4xx that is neither throttling nor an auth problem: DRS looked at the request and said no. */
function isDefiniteRejection(error: ApiError): boolean {
  return error.status >= 400 && error.status < 500 && classifyFailure(error.status, error.apiCode, true) === 'final';
}

function defer(chunk: PlannedJob[], reason: string): JobOutcome[] {
  return chunk.map((job) => ({ jobId: job.jobId, status: job.status, outcome: 'deferred' as const, reason }));
}
