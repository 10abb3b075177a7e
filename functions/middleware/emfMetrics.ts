/**
 * The run's metrics as one CloudWatch embedded-metric (EMF) line on stdout, which CloudWatch Logs
 * turns into metrics (README "Logs and metrics"), in the format of the specification:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * It replaces Powertools' Metrics and logMetrics, which wrote the same line: the run adds ten
 * metrics under one dimension, and Powertools' 15 KB (metrics, commons, invoke-store) were more
 * than the Lambda bundle's cap left (BENCHMARKS.md, "The Lambda bundle's cap").
 */
import { writeAllSync } from '../../lib/log.js';
import { optionError, type InvocationMiddleware } from './invocation.js';
import type { MetricsSink, Unit } from './reportMetrics.js';

/** CloudWatch takes at most 100 metrics in one EMF directive. */
const MAX_METRICS = 100;

export interface EmfMetricsOptions {
  /** The CloudWatch namespace, e.g. `DrsAutoRetry`. */
  namespace: string;
  /** The value of the one dimension, `service`. */
  service: string;
  /** Default: synchronous writes to stdout, like the log, since Lambda may freeze right after the return. */
  write?: (line: string) => void;
  /** The EMF timestamp, in ms since the epoch (tests). */
  clock?: () => number;
}

/** The metrics of one invocation, kept until `publish` writes them as one line. */
export class EmfMetrics implements MetricsSink {
  readonly #options: Required<EmfMetricsOptions>;
  readonly #metrics = new Map<string, { unit: Unit; value: number }>();

  constructor(options: EmfMetricsOptions) {
    if (typeof options?.namespace !== 'string' || options.namespace === '') throw optionError('emfMetrics', 'Expected `namespace` to be a non-empty string');
    if (typeof options.service !== 'string' || options.service === '') throw optionError('emfMetrics', 'Expected `service` to be a non-empty string');
    this.#options = { write: (line) => writeAllSync(1, line), clock: Date.now, ...options };
  }

  /** Adds a metric; the same name again replaces its value (the run adds each once). */
  addMetric(name: string, unit: Unit, value: number): void {
    if (!this.#metrics.has(name) && this.#metrics.size >= MAX_METRICS) throw new RangeError(`Expected at most ${MAX_METRICS} metrics in one EMF line`);
    this.#metrics.set(name, { unit, value });
  }

  /** Writes the metrics added since the last call as one EMF line, and forgets them; nothing when there are none. */
  publish(): void {
    if (this.#metrics.size === 0) return;
    const metrics = [...this.#metrics];
    this.#metrics.clear();
    const line = {
      _aws: {
        Timestamp: this.#options.clock(),
        CloudWatchMetrics: [{ Namespace: this.#options.namespace, Dimensions: [['service']], Metrics: metrics.map(([name, { unit }]) => ({ Name: name, Unit: unit })) }],
      },
      service: this.#options.service,
      ...Object.fromEntries(metrics.map(([name, { value }]) => [name, value])),
    };
    this.#options.write(`${JSON.stringify(line)}\n`);
  }
}

/** Publishes the invocation's metrics after the handler, or after its error. */
export function publishMetrics<TContext extends object>(metrics: Pick<EmfMetrics, 'publish'>): InvocationMiddleware<TContext> {
  if (typeof metrics?.publish !== 'function') throw optionError('publishMetrics', 'Expected `metrics` to have publish(), such as EmfMetrics');
  return {
    after: () => metrics.publish(),
    onError: () => metrics.publish(),
  };
}
