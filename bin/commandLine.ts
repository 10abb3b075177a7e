/**
 * The CLI's options (README "Command line"): argv → what to run, with our own message for every
 * mistake, each naming the option and what to type instead.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SHOW, SHOW_CHOICES, type ShowJobs } from '../lib/app/index.js';
import { ConfigError, messageOf } from '../lib/errors.js';
import { checkInteger, LIMITS, type CliOverrides } from '../lib/input/index.js';

export const USAGE = `Usage: drs-auto-retry [options]

Finds failed Open Telekom Cloud DRS tasks and retries the safe ones. Configuration comes from
the environment (OS_*, DRS_*, NOTIFY_*; see the README); options rank above it.

Options:
  --job ID[,ID…]       add job (task) IDs; repeatable, split at commas and spaces like DRS_JOB_IDS
  --event FILE         read jobs from FILE, or - for stdin: an event payload ({"jobIds":[…]}),
                       a JSON array of ids, or plain ids one per line
  --dry-run            decide and report, send no retry
  --discover           also list the project's failed tasks
  --batch-size N       job IDs per batch-retry request (1..100)
  --concurrency N      requests in flight at once (1..20)
  --deadline-ms N      time budget of the whole run (1000..86400000)
  --format json|text   report format (default: text on a terminal, json otherwise)
  --show problems|actions|all
                       jobs the text report lists: those that need a look; those plus
                       the ones retried (the default); or every job, skipped ones too
  -h, --help           show this help
  -v, --version        show the version

Exit status: 0 all jobs retried, would_retry or skipped; 1 some job needs a look;
2 bad input or configuration (nothing was sent); 3 the run failed as a whole.
`;

const OPTIONS = {
  job: { type: 'string', multiple: true },
  event: { type: 'string' },
  'dry-run': { type: 'boolean' },
  discover: { type: 'boolean' },
  'batch-size': { type: 'string' },
  concurrency: { type: 'string' },
  'deadline-ms': { type: 'string' },
  format: { type: 'string' },
  show: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const NUMBER_OPTIONS = { 'batch-size': 'batchSize', concurrency: 'concurrency', 'deadline-ms': 'deadlineMs' } as const;
type NumberOption = keyof typeof NUMBER_OPTIONS;

/** What the command line asks for. */
export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; format: 'json' | 'text'; show: ShowJobs; eventPath?: string; overrides: CliOverrides };

/**
 * Parses argv. `--help` wins over everything else on the line, even over mistakes, then
 * `--version`: someone asking for help should get it.
 * @param stdoutIsTerminal picks the default format.
 * @throws ConfigError naming the option at fault.
 */
export function parseCommandLine(argv: readonly string[], stdoutIsTerminal: boolean): Command {
  const options = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (options.some((arg) => arg === '--help' || arg === '-h')) return { kind: 'help' };
  if (options.some((arg) => arg === '--version' || arg === '-v')) return { kind: 'version' };
  let values;
  try {
    ({ values } = parseArgs({ args: joinNegativeNumbers(argv), strict: true, allowPositionals: false, options: OPTIONS }));
  } catch (error) {
    throw new ConfigError(parseArgsMessage(error), { field: 'argv', cause: error });
  }
  const format = values.format ?? (stdoutIsTerminal ? 'text' : 'json');
  if (format !== 'json' && format !== 'text') {
    throw new ConfigError(`--format must be json or text, not "${format}"`, { field: '--format' });
  }
  const show = values.show ?? DEFAULT_SHOW;
  if (!(SHOW_CHOICES as readonly string[]).includes(show)) {
    throw new ConfigError(`--show must be one of ${SHOW_CHOICES.join(', ')}, not "${show}"`, { field: '--show' });
  }
  const overrides: CliOverrides = {};
  // Split and trimmed as DRS_JOB_IDS is, so a list pasted from the variable works here too.
  const jobIds = values.job?.flatMap((value) => value.split(/[\s,]+/)).filter(Boolean);
  if (values.job !== undefined && jobIds?.length === 0) {
    throw new ConfigError('--job needs a job ID, e.g. --job 3f1c9a52-…', { field: '--job' });
  }
  if (jobIds) overrides.jobIds = jobIds;
  if (values['dry-run']) overrides.dryRun = true;
  if (values.discover) overrides.discover = true;
  for (const name of Object.keys(NUMBER_OPTIONS) as NumberOption[]) {
    const raw = values[name];
    if (raw !== undefined) overrides[NUMBER_OPTIONS[name]] = wholeNumber(raw, name);
  }
  return { kind: 'run', format, show: show as ShowJobs, ...(values.event !== undefined ? { eventPath: values.event } : {}), overrides };
}

function wholeNumber(raw: string, name: NumberOption): number {
  const limit = LIMITS[NUMBER_OPTIONS[name]];
  const text = raw.trim();
  // Number('1e3') or Number('0x10') would pass a number check; only plain digits are meant.
  return checkInteger(/^-?\d+$/.test(text) ? Number(text) : Number.NaN, `--${name}`, limit, raw);
}

/**
 * `--batch-size -5` would otherwise be refused by node's parser with its own advice about
 * `--batch-size=-XYZ`; joined, our own range check answers instead.
 */
function joinNegativeNumbers(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg.startsWith('--') && arg.slice(2) in NUMBER_OPTIONS && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/** node's parseArgs errors, said our way: the option, what is wrong, and the likely fix. */
function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = messageOf(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(message)?.[1] ?? '';
    const suggestion = closestOption(given);
    return `unknown option ${given}${suggestion ? `; did you mean ${suggestion}?` : '; see --help'}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const given = /'([^']*)'/.exec(message)?.[1] ?? '';
    return `unexpected argument "${given}": job IDs go after --job (e.g. --job ${given}); see --help`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /--([a-z-]+)/.exec(message)?.[1] ?? '';
    if (option in OPTIONS && OPTIONS[option as keyof typeof OPTIONS].type === 'string') return `--${option} needs a value; see --help`;
    return `--${option} takes no value; see --help`;
  }
  return `${message.replace(/\.$/, '')}; see --help`;
}

/** The known option nearest to a mistyped one (edit distance ≤ 2, or a prefix), if any. */
function closestOption(given: string): string | undefined {
  const name = given.replace(/^-+/, '').replace(/=.*$/, '');
  if (name === '') return undefined;
  let best: { option: string; distance: number } | undefined;
  for (const option of Object.keys(OPTIONS)) {
    const distance = option.startsWith(name) || name.startsWith(option) ? 1 : editDistance(name, option);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { option, distance };
  }
  return best && `--${best.option}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
