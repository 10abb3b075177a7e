import type { EmulatorAccessKey, EmulatorProject, EmulatorUser } from './types.js';

/** The project every emulator has; tasks without `projectId` belong to it. */
export const DEFAULT_PROJECT: EmulatorProject = Object.freeze({
  id: '8c3e9f0a5b7d4e21a6f1c2d3b4e5f607',
  name: 'eu-de',
});

/** The IAM user every emulator has. The password looks real so leak tests can search for it. */
export const DEFAULT_USER: EmulatorUser = Object.freeze({
  name: 'drs-operator',
  password: 'Kx9!vQ2#mT7pL4$wZr8@Nd3s-Hf6',
  domain: 'OTC-EU-DE-00000000001000000001',
});

/** The permanent AK/SK pair every emulator has. */
export const DEFAULT_ACCESS_KEY: EmulatorAccessKey = Object.freeze({
  ak: 'HPUAZ7QKD3M9XW2LTRCE',
  sk: 'r8Tq2LmZ4vXc9NbW1sKd7YfH3pJg6QeA0uVoE5iR',
});

/** IAM documents a 24 h token lifetime. */
export const DEFAULT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The standalone emulator's port (`npm run emulator`): fixed, so that pasted `export` lines stay
 * valid from one start to the next. Tests always ask for a free port instead.
 */
export const DEFAULT_EMULATOR_PORT = 8990;
