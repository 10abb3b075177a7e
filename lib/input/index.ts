/**
 * What the faces use to read their input: the settings (each face's source, parsed by the one
 * schema), the event and the CLI flags, merged once into a RunConfig.
 */
export { loadConfig, type CliOverrides, type RunConfig } from './config.js';
export { normaliseEvent, parseEventJson, type EventPayload, type RunRequest, type Trigger } from './events.js';
export { parseEventFile } from './eventFile.js';
export { checkInteger, LIMITS } from './values.js';
export { checkSomethingToDo, NOTHING_TO_DO, type JobSourceFace } from './jobSources.js';
export { AUTH_VARIABLES } from './settings/rules.js';
export type { Env } from './settings/source.js';
export {
  functionGraphSettings, type CredentialOrigin, type FunctionGraphSettings, type FunctionGraphSettingsContext,
} from './settings/functionGraph.js';
