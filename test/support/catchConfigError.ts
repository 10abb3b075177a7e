import { ConfigError } from '../../lib/errors.js';

/** Runs `act` and returns the ConfigError it throws; anything else fails the test. */
export function catchConfigError(act: () => unknown): ConfigError {
  try {
    act();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
