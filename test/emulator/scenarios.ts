import { DEMO_JOBS, seedDemoProject } from './demoProject.js';
import { FAILURE_CAUSE_JOBS, seedFailureCauses } from './failureCauses.js';
import type { Emulator } from './types.js';

/** Named sets of tasks an emulator can be seeded with (`npm run emulator -- --scenario NAME`). */

/** `demo`: the mixed project of demoProject.ts; `failure-causes`: failureCauses.ts. */
export type ScenarioName = 'demo' | 'failure-causes';

/** A seeded task as the standalone emulator lists it. */
export interface ScenarioJob {
  id: string;
  dbUseType: string;
  engineType: string;
  status: string;
  /** What a retry tool should make of it. */
  note: string;
}

export const SCENARIO_NAMES: readonly ScenarioName[] = ['demo', 'failure-causes'];

/** Seeds one scenario; returns its tasks. */
export function seedScenario(emulator: Pick<Emulator, 'addTask' | 'addTopic'>, name: ScenarioName): readonly ScenarioJob[] {
  if (name === 'demo') {
    seedDemoProject(emulator);
    return DEMO_JOBS.map(({ id, dbUseType, engineType, status, category, note }) => ({ id, dbUseType, engineType, status, note: `${category}: ${note}` }));
  }
  seedFailureCauses(emulator);
  return FAILURE_CAUSE_JOBS.map(({ id, status, cause, decision }) => ({
    id, dbUseType: 'migration', engineType: 'mysql', status, note: `cause ${cause}: ${decision === 'person' ? 'needs a person' : decision}`,
  }));
}

/** Reads `demo`, `failure-causes` or `all` (both). */
export function parseScenarios(value: string): ScenarioName[] {
  if (value === 'all') return [...SCENARIO_NAMES];
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
      throw new TypeError(`Expected --scenario to be ${SCENARIO_NAMES.join(', ')} or all, got ${name}`);
    }
  }
  return names as ScenarioName[];
}
