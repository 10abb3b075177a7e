import { ConfigError } from '../errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../log.js';
import { preview } from './valueChecks.js';

/**
 * LOG_LEVEL, checked like every other variable: unset or blank is `undefined` (the face picks its
 * default), a level is returned, anything else is a ConfigError naming the allowed values.
 */
export function checkLogLevel(value: string | undefined, field = 'LOG_LEVEL'): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  if (level === undefined || level === '') return undefined;
  if (isLogLevel(level)) return level;
  throw new ConfigError(`${field} must be one of ${LOG_LEVELS.join(', ')} (got ${preview(value)})`, { field });
}
