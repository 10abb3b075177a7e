import { ConfigError } from '../errors.js';
import type { RunConfig } from './config.js';
import type { RunRequest } from './events.js';

/**
 * Where a run was started from, for the words of what to do: each face names its own ways to give
 * jobs (a function's settings and event, never the CLI's options).
 */
export type JobSourceFace = 'cli' | 'function' | 'invokeLocal';

const NOTHING = 'nothing to do: no job IDs were given and discovery is off. Give jobs in one of three ways: ';

/** The three ways to give a run its jobs, as each face names them (README "Where the jobs come from"). */
export const NOTHING_TO_DO: Readonly<Record<JobSourceFace, string>> = {
  cli: `${NOTHING}DRS_JOB_IDS, the event's jobIds (on the command line: --job or --event), or DRS_DISCOVER=true (--discover)`,
  function: `${NOTHING}DRS_JOB_IDS (job IDs separated by commas) or DRS_DISCOVER=true (find the project's failed tasks) `
    + 'in the function\'s environment variables, or an event with jobIds, e.g. {"jobIds":["<job id>"]}',
  // `serverless invoke local --stage local` reads the settings from the shell (serverless.yml, params.local).
  invokeLocal: `${NOTHING}DRS_JOB_IDS (job IDs separated by commas) or DRS_DISCOVER=true (find the project's failed tasks) `
    + 'in your shell, which the local stage reads, or an event with jobIds: npm run invoke -- -p events/manual.json',
};

/**
 * Refuses a run that can do nothing: no job IDs from any source and no discovery. A schedule
 * configured that way would succeed, quietly, forever, and `NOTIFY_ON=problems` would never
 * say so. An event whose own list is empty (`{"jobIds": []}`) asked for that on purpose.
 * @param face whose words the error uses.
 * @throws ConfigError naming the three ways to give jobs.
 */
export function checkSomethingToDo(config: RunConfig, request: RunRequest, face: JobSourceFace): void {
  if (config.jobIds.length > 0 || config.discover || request.payload.jobIds !== undefined) return;
  throw new ConfigError(NOTHING_TO_DO[face], { field: 'jobIds' });
}
