/**
 * Turns the run's report into metrics: one count per outcome, `RunFailed` (0 or 1) and
 * `DurationMs` (README, "Logs and metrics"). It only adds them; the `publishMetrics`
 * middleware (./emfMetrics.ts), used before this one, writes them as one EMF line after the
 * handler, or after its error.
 */
import { isRunFailedError, OUTCOMES, type Outcome, type Report } from '../../lib/app/index.js';
import { optionError, type InvocationMiddleware } from './invocation.js';

/** The metric names of the outcome counts: `needs_attention` → `NeedsAttention`. */
export const OUTCOME_METRICS = Object.fromEntries(
  (['requested', ...OUTCOMES] as const).map((key) => [key, key.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())]),
) as Record<'requested' | Outcome, string>;

/** The two CloudWatch units used. */
export type Unit = 'Count' | 'Milliseconds';

/** Where metrics are added (./emfMetrics.ts, EmfMetrics). */
export interface MetricsSink {
  addMetric(name: string, unit: Unit, value: number): void;
}

export interface ReportMetricsOptions {
  metrics: MetricsSink;
}

const COUNT = 'Count';
const MILLISECONDS = 'Milliseconds';

function addReport(metrics: MetricsSink, report: Report): void {
  for (const [key, name] of Object.entries(OUTCOME_METRICS)) metrics.addMetric(name, COUNT, report.summary[key as keyof Report['summary']]);
  metrics.addMetric('DurationMs', MILLISECONDS, report.durationMs);
}

export function reportMetrics<TContext extends object>(opts: ReportMetricsOptions): InvocationMiddleware<TContext> {
  const options = { ...opts };
  if (typeof options.metrics?.addMetric !== 'function') throw optionError('reportMetrics', 'Expected `metrics` to have addMetric(), such as EmfMetrics');

  return {
    after(request) {
      addReport(options.metrics, request.response as Report);
      options.metrics.addMetric('RunFailed', COUNT, 0);
    },
    // Any thrown error is a failed run: a bad input, a failed run's report, or a bug.
    onError(request) {
      if (isRunFailedError(request.error)) addReport(options.metrics, request.error.report);
      options.metrics.addMetric('RunFailed', COUNT, 1);
    },
  };
}
