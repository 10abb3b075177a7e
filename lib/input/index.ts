/** What the faces use to read their input: the configuration and the event, each parsed once. */
export { loadConfig, type CliOverrides, type RunConfig } from './config.js';
export { normaliseEvent, parseEventJson, type EventPayload, type RunRequest, type Trigger } from './events.js';
export { parseEventFile } from './eventFile.js';
export { checkInteger, LIMITS } from './valueChecks.js';
export { checkSomethingToDo, NOTHING_TO_DO } from './jobSources.js';
