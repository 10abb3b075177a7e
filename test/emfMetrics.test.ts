import { describe, expect, it } from 'vitest';
import { EmfMetrics, publishMetrics } from '../functions/middleware/emfMetrics.js';

/** An EmfMetrics that writes into `lines`, at a fixed time. */
function metricsInto(lines: string[]) {
  return new EmfMetrics({ namespace: 'DrsAutoRetry', service: 'drs-auto-retry', write: (line) => lines.push(line), clock: () => 1_764_000_000_000 });
}

describe('EmfMetrics', () => {
  it('writes the metrics as one EMF line: the directive names each metric and the dimension, the root holds their values', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = metricsInto(lines);
    metrics.addMetric('Requested', 'Count', 3);
    metrics.addMetric('DurationMs', 'Milliseconds', 812);
    metrics.addMetric('RunFailed', 'Count', 0);

    // Act
    metrics.publish();

    // Assess: the shape of the CloudWatch EMF specification
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: 1_764_000_000_000,
        CloudWatchMetrics: [{
          Namespace: 'DrsAutoRetry',
          Dimensions: [['service']],
          Metrics: [{ Name: 'Requested', Unit: 'Count' }, { Name: 'DurationMs', Unit: 'Milliseconds' }, { Name: 'RunFailed', Unit: 'Count' }],
        }],
      },
      service: 'drs-auto-retry',
      Requested: 3,
      DurationMs: 812,
      RunFailed: 0,
    });
  });

  it('forgets what it published, writes nothing without metrics, and keeps the last value of a metric added twice', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = metricsInto(lines);

    // Act
    metrics.publish();
    metrics.addMetric('RunFailed', 'Count', 0);
    metrics.addMetric('RunFailed', 'Count', 1);
    metrics.publish();
    metrics.publish();

    // Assess
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([expect.objectContaining({ RunFailed: 1 })]);
  });

  it('refuses more metrics than one EMF directive takes, and options it cannot use, naming them', () => {
    const metrics = metricsInto([]);
    for (let i = 0; i < 100; i++) metrics.addMetric(`M${i}`, 'Count', i);
    expect(() => metrics.addMetric('M100', 'Count', 100)).toThrow('Expected at most 100 metrics in one EMF line');
    expect(() => new EmfMetrics({ namespace: '', service: 's' })).toThrow('Expected `namespace` to be a non-empty string');
    expect(() => new EmfMetrics({ namespace: 'n', service: '' })).toThrow('Expected `service` to be a non-empty string');
    expect(() => publishMetrics({} as EmfMetrics)).toThrow('Expected `metrics` to have publish(), such as EmfMetrics');
  });
});

describe('publishMetrics', () => {
  it('publishes after the handler and after its error', async () => {
    // Prepare
    const lines: string[] = [];
    const metrics = metricsInto(lines);
    const middleware = publishMetrics(metrics);
    const request = { event: {}, context: {} };

    // Act
    metrics.addMetric('RunFailed', 'Count', 0);
    await middleware.after?.(request);
    metrics.addMetric('RunFailed', 'Count', 1);
    await middleware.onError?.({ ...request, error: new Error('boom') });

    // Assess
    expect(lines.map((line) => (JSON.parse(line) as { RunFailed: number }).RunFailed)).toEqual([0, 1]);
  });
});
