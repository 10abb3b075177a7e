import { ConfigError } from '../errors.js';
import type { RunConfig } from './config.js';
import type { RunRequest } from './events.js';

/** The three ways to give a run its jobs, as every face names them (README "Where the jobs come from"). */
export const NOTHING_TO_DO =
  'nothing to do: no job IDs were given and discovery is off. Give jobs in one of three ways: DRS_JOB_IDS, '
  + 'the event\'s jobIds (on the command line: --job or --event), or DRS_DISCOVER=true (--discover)';

/**
 * Refuses a run that can do nothing: no job IDs from any source and no discovery. A schedule
 * configured that way would succeed, quietly, forever, and `NOTIFY_ON=problems` would never
 * say so. An event whose own list is empty (`{"jobIds": []}`) asked for that on purpose.
 * @throws ConfigError naming the three ways to give jobs.
 */
export function checkSomethingToDo(config: RunConfig, request: RunRequest): void {
  if (config.jobIds.length > 0 || config.discover || request.payload.jobIds !== undefined) return;
  throw new ConfigError(NOTHING_TO_DO, { field: 'jobIds' });
}
