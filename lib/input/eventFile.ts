import { ConfigError, messageOf } from '../errors.js';
import { normaliseEvent, parseEventJson, type RunRequest } from './events.js';

/** The three shapes `--event FILE` takes, as every error about one shows them. */
export const EVENT_FILE_SHAPES =
  'give an event object such as {"jobIds":["<id>"]}, a JSON array of ids such as ["<id>"], or plain ids one per line (or separated by commas)';

/**
 * Reads the text of the CLI's `--event FILE|-` (README "Command line"): an event payload object
 * (any shape the function takes), a JSON array of job ids, or plain ids separated by newlines,
 * commas or spaces, as in DRS_JOB_IDS. Lines starting with `#` are comments in a plain file.
 * @param source the file name or `stdin`, named in every error.
 * @throws ConfigError naming the source and showing the accepted shapes.
 */
export function parseEventFile(text: string, source: string): RunRequest {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.trimStart().charAt(0);
  if (start === '') throw new ConfigError(`${source} is empty; ${EVENT_FILE_SHAPES}`, { field: 'event' });
  if (start === '{') return parseEventJson(body, source);
  if (start === '[') return fromIds(parseArray(body, source), source);
  const ids = body
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
  // Something that looks like broken JSON must not be read as a list of odd ids.
  if (ids.some((id) => /["{}[\]:]/.test(id))) {
    throw new ConfigError(`${source} is neither JSON nor a list of ids; ${EVENT_FILE_SHAPES}`, { field: 'event' });
  }
  return fromIds(ids, source);
}

function parseArray(body: string, source: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new ConfigError(`${source} starts with "[" but is not valid JSON (${messageOf(error)}); ${EVENT_FILE_SHAPES}`, {
      field: 'event',
      cause: error,
    });
  }
  if (!Array.isArray(value)) throw new ConfigError(`${source} is not a JSON array; ${EVENT_FILE_SHAPES}`, { field: 'event' });
  return value;
}

function fromIds(ids: unknown[], source: string): RunRequest {
  try {
    return normaliseEvent({ jobIds: ids });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${source}: ${error.message}`, { field: error.field, cause: error });
  }
}
