import { describe, expect, it } from 'vitest';
import { createLogger, SECRET_FIELDS } from '../lib/log.js';

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } };
}

describe('the structured logger', () => {
  it('writes one JSON line per entry, with level and message', () => {
    const { lines, stream } = capture();
    createLogger({ fd: 2, stream }).info({ runId: 'r1' }, 'status read done');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info', msg: 'status read done', runId: 'r1', service: 'drs-auto-retry' });
  });

  it('masks every secret field, at any of the first four levels', () => {
    // Prepare
    const { lines, stream } = capture();
    const secrets = SECRET_FIELDS.map((field, i) => [field, `s3cret-value-${i}-${field}`] as const);
    const flat = Object.fromEntries(secrets);

    // Act
    const logger = createLogger({ fd: 2, stream, level: 'debug' });
    logger.debug({ ...flat }, 'top level');
    logger.debug({ config: flat }, 'one level down');
    logger.debug({ a: { headers: flat } }, 'two levels down');
    logger.debug({ a: { b: { c: flat } } }, 'three levels down');

    // Assess
    const output = lines.join('\n');
    for (const [, value] of secrets) expect(output).not.toContain(value);
    expect(output.match(/\[redacted\]/g)?.length).toBe(4 * SECRET_FIELDS.length);
  });
});
