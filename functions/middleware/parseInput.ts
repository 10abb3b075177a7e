/**
 * The event and the settings into one validated RunConfig before the handler runs, and the
 * invocation's logger set to its LOG_LEVEL. A bad input is thrown as a ConfigError (the errors
 * middleware logs it, once) and nothing is sent.
 */
import { checkSomethingToDo, loadConfig, normaliseEvent, type Env } from '../../lib/input/index.js';
import { optionError, type InvocationMiddleware } from './invocation.js';

export interface ParseInputOptions<TContext extends object> {
  /**
   * The settings of this invocation, by the names of README "Configuration". Default: `process.env`. FunctionGraph
   * reads `context.getUserData(NAME)` first.
   */
  settings?: (context: TContext) => Env;
}

const defaults = { settings: (): Env => process.env };

export function parseInput<TContext extends object>(opts: ParseInputOptions<TContext> = {}): InvocationMiddleware<TContext> {
  const options = { ...defaults, ...opts };
  if (typeof options.settings !== 'function') throw optionError('parseInput', 'Expected `settings` to be a function of the context');

  return {
    before(request) {
      const runRequest = normaliseEvent(request.event);
      const config = loadConfig(options.settings(request.context), runRequest);
      checkSomethingToDo(config, runRequest);
      request.context.config = config;
      // Unset, the face's own default stays.
      if (config.logLevel !== undefined && request.context.logger !== undefined) request.context.logger.level = config.logLevel;
    },
  };
}
