/**
 * Status first, then the cause (README "Why did it fail?"): the decision classifyTask() made from
 * the status, refined by the failure-cause rules. A rule can only hold a retry back, never make a
 * task retryable that its status does not allow.
 */
import { classifyTask, type Decision } from './classify.js';
import { matchCause, type CauseRules } from './causeRuleSet.js';
import { UNKNOWN_CAUSE_ID, type JobCause } from './failureCauses.js';
import { failureReason } from './failureText.js';
import type { ObservedTask } from './outcomes.js';
import { isFailedStatus } from './taskStatuses.js';

/** The report fields a job carries about its failure (README "What happens to each job"). */
export interface CauseFields {
  /** DRS's text, credentials masked and length bounded. */
  failureReason?: string;
  /** The rule the text matched (`unknown` when none did). */
  cause?: JobCause;
}

/**
 * The decision after the cause: a `retry` carries the fields its job's outcome must get once the
 * retry is answered; a `settle` has them in its outcome already.
 */
export type CauseDecision =
  | { action: 'retry'; fields: CauseFields }
  | Extract<Decision, { action: 'settle' }>;

/**
 * The failure fields of a task in `status` whose DRS text is `text`. Only a failed task has a
 * cause: a running or finished task's old text says nothing about now. A failed task with no text
 * is `unknown`, so every failed job in the report says whether a rule knew it.
 */
export function causeFields(status: string | undefined, text: string | undefined, rules?: CauseRules): CauseFields {
  if (!isFailedStatus(status)) return {};
  const reason = failureReason(text);
  return { ...(reason === undefined ? {} : { failureReason: reason }), cause: matchCause(text, rules) };
}

/**
 * classifyTask(), then the cause:
 * - `retry` and a cause that retries (or `unknown`, unless an operator changed it): still `retry`,
 *   with the fields;
 * - `retry` and a cause that needs a person: `needs_attention`, never sent to DRS, no budget spent;
 * - `settle` (the status decided): unchanged, plus the fields, so a person still reads the hint;
 *   an `unknown` cause is left out there, since nothing is resumed.
 * @param text DRS's raw failure text (`failed_reason` or `error_msg`): matched raw, masked here.
 */
export function classifyWithCause(
  task: ObservedTask | undefined,
  retryStatuses: ReadonlySet<string>,
  text: string | undefined,
  rules?: CauseRules,
): CauseDecision {
  const decision = classifyTask(task, retryStatuses);
  const fields = causeFields(task?.status, text, rules);
  if (decision.action === 'settle') {
    // The status settled it, so nothing is resumed: `unknown`'s hint ("resumed as its status
    // allows") would mislead. A rule that matched still says what a person does.
    const { cause, ...rest } = fields;
    const known = cause !== undefined && cause.id !== UNKNOWN_CAUSE_ID ? { cause } : {};
    return { action: 'settle', outcome: { ...decision.outcome, ...rest, ...known } };
  }
  if (fields.cause === undefined || fields.cause.retry) return { action: 'retry', fields };
  const detail = { status: task?.status, errorCode: task?.errorCode, errorMessage: task?.errorMessage };
  return {
    action: 'settle',
    outcome: {
      outcome: 'needs_attention',
      ...Object.fromEntries(Object.entries(detail).filter(([, value]) => value !== undefined)),
      reason: `failure cause ${fields.cause.id} needs a person: a resume cannot heal it, so none was sent`,
      ...fields,
    },
  };
}
