/**
 * The event and the settings into one validated RunConfig before the handler runs, and the
 * invocation's logger set to its LOG_LEVEL. A bad input is thrown as a ConfigError (the errors
 * middleware logs it, once) and nothing is sent.
 */
import { checkSomethingToDo, loadConfig, normaliseEvent, type Env, type JobSourceFace } from '../../lib/input/index.js';
import { optionError, type InvocationMiddleware } from './invocation.js';

export interface ParseInputOptions<TContext extends object> {
  /**
   * The settings of this invocation, by the names of README "Configuration". Default: `process.env`. FunctionGraph
   * reads `context.getUserData(NAME)` first.
   */
  settings?: (context: TContext) => Env;
  /**
   * Whose words say how to give jobs when there are none. Default `function`: the function's
   * settings and event. `invokeLocal`: `serverless invoke local`, which reads the settings from the shell.
   */
  jobSources?: Extract<JobSourceFace, 'function' | 'invokeLocal'>;
}

const defaults = { settings: (): Env => process.env, jobSources: 'function' as const };

export function parseInput<TContext extends object>(opts: ParseInputOptions<TContext> = {}): InvocationMiddleware<TContext> {
  const options = { ...defaults, ...opts };
  if (typeof options.settings !== 'function') throw optionError('parseInput', 'Expected `settings` to be a function of the context');
  if (options.jobSources !== 'function' && options.jobSources !== 'invokeLocal') {
    throw optionError('parseInput', `Expected \`jobSources\` to be 'function' or 'invokeLocal', got ${String(options.jobSources)}`);
  }

  return {
    before(request) {
      const runRequest = normaliseEvent(request.event);
      const config = loadConfig(options.settings(request.context), runRequest);
      checkSomethingToDo(config, runRequest, options.jobSources);
      request.context.config = config;
      // Unset, the face's own default stays.
      if (config.logLevel !== undefined && request.context.logger !== undefined) request.context.logger.level = config.logLevel;
    },
  };
}
