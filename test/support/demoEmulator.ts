import { afterEach, beforeEach } from 'vitest';
import { seedDemoProject } from '../emulator/demoProject.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

/** The current test's emulator, seeded with the demo project (a live binding, set by useDemoEmulator). */
export let emulator: Emulator;

/**
 * A fresh emulator with the demo project (test/emulator/demoProject.ts) for every test of the
 * file, closed after it. Call once, at the top level of a test file.
 */
export function useDemoEmulator(options?: EmulatorOptions): void {
  beforeEach(async () => {
    emulator = await startEmulator(options);
    seedDemoProject(emulator);
  });
  afterEach(() => emulator.close());
}
