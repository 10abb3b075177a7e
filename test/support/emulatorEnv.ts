import { IamPasswordTokenProvider } from '../../lib/auth/iamPasswordToken.js';
import { HttpClient } from '../../lib/http/httpClient.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, DEFAULT_USER, type Emulator } from '../emulator/index.js';

/** Which credentials a test run uses against the emulator. */
export type AuthKind = 'password' | 'aksk' | 'token';

/** The environment a real deployment would set, pointed at the emulator. */
export function emulatorEnv(emulator: Emulator, auth: AuthKind = 'password', token?: string): Record<string, string> {
  const env: Record<string, string> = {
    OS_REGION_NAME: 'eu-de',
    OS_AUTH_URL: `${emulator.url}/v3`,
    DRS_ENDPOINT: emulator.url,
    SMN_ENDPOINT: emulator.url,
    OS_PROJECT_ID: DEFAULT_PROJECT.id,
  };
  if (auth === 'password') {
    Object.assign(env, { OS_USERNAME: DEFAULT_USER.name, OS_PASSWORD: DEFAULT_USER.password, OS_USER_DOMAIN_NAME: DEFAULT_USER.domain });
  } else if (auth === 'aksk') {
    Object.assign(env, { OS_ACCESS_KEY: DEFAULT_ACCESS_KEY.ak, OS_SECRET_KEY: DEFAULT_ACCESS_KEY.sk });
  } else {
    env.OS_AUTH_TOKEN = token ?? '';
  }
  return env;
}

/** Every secret in play for the emulator's default credentials, plus the tokens it issued. */
export function secretsInPlay(emulator: Emulator, extra: string[] = []): string[] {
  const dbPasswords = emulator.tasks().flatMap((task) => [task.sourceDbPassword, task.targetDbPassword]);
  return [DEFAULT_USER.password, DEFAULT_ACCESS_KEY.sk, ...emulator.issuedTokens(), ...dbPasswords, ...extra].filter(
    (secret) => secret.length >= 6,
  );
}

/** The secrets sweep: lists every secret that appears in any of the outputs (empty = clean). */
export function leakedSecrets(outputs: readonly string[], secrets: readonly string[]): string[] {
  const all = outputs.join('\n');
  return secrets.filter((secret) => all.includes(secret));
}

/** The password login against the emulator's default user and project, as DRS would use it. */
export function emulatorTokenProvider(emulator: Emulator, http: HttpClient = new HttpClient({ timeoutMs: 2_000 })): IamPasswordTokenProvider {
  return new IamPasswordTokenProvider(http, {
    authUrl: `${emulator.url}/v3`,
    username: DEFAULT_USER.name,
    password: DEFAULT_USER.password,
    domainName: DEFAULT_USER.domain,
    projectId: DEFAULT_PROJECT.id,
  });
}
