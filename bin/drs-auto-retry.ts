/**
 * The CLI face: argv + env → the same run as the function → the report on stdout, logs on
 * stderr, and the exit status of CONTRACT §4.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import { createDeadline, exitCodeOf, renderReportText, runAndNotify } from '../lib/engine/index.js';
import { ConfigError, messageOf } from '../lib/errors.js';
import { loadConfig, normaliseEvent, parseEventJson, type CliOverrides, type RunRequest } from '../lib/input/index.js';
import { createLogger } from '../lib/log.js';

const USAGE = `Usage: drs-auto-retry [options]

Finds failed Open Telekom Cloud DRS tasks and retries the safe ones. Configuration comes from
the environment (OS_*, DRS_*, NOTIFY_*; see the README); options rank above it.

Options:
  --job ID             add a job (task) ID; repeatable
  --event FILE         read an event payload (JSON) from FILE, or - for stdin
  --dry-run            decide and report, send no retry
  --discover           also list the project's failed tasks
  --batch-size N       job IDs per batch-retry request (1..100)
  --concurrency N      requests in flight at once (1..20)
  --deadline-ms N      time budget of the whole run
  --format json|text   report format (default: json when stdout is not a terminal)
  --help               show this help
  --version            show the version

Exit status: 0 all jobs retried, would_retry or skipped; 1 some job needs a look;
2 bad input or configuration (nothing was sent); 3 the run failed as a whole.
`;

const EXIT_BAD_INPUT = 2;

/** Parses argv into options; a ConfigError names the bad option. */
function parseCommandLine(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        job: { type: 'string', multiple: true },
        event: { type: 'string' },
        'dry-run': { type: 'boolean' },
        discover: { type: 'boolean' },
        'batch-size': { type: 'string' },
        concurrency: { type: 'string' },
        'deadline-ms': { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${messageOf(error)}. See --help`, { field: 'argv', cause: error });
  }
  const { values } = parsed;
  const format = values.format ?? (process.stdout.isTTY ? 'text' : 'json');
  if (format !== 'json' && format !== 'text') {
    throw new ConfigError(`--format must be json or text, not "${format}"`, { field: '--format' });
  }
  const overrides: CliOverrides = {};
  if (values.job) overrides.jobIds = values.job;
  if (values['dry-run']) overrides.dryRun = true;
  if (values.discover) overrides.discover = true;
  const number = (name: 'batch-size' | 'concurrency' | 'deadline-ms') => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`--${name} must be a whole number, not "${raw}"`, { field: `--${name}` });
    return Number(raw);
  };
  const batchSize = number('batch-size');
  const concurrency = number('concurrency');
  const deadlineMs = number('deadline-ms');
  if (batchSize !== undefined) overrides.batchSize = batchSize;
  if (concurrency !== undefined) overrides.concurrency = concurrency;
  if (deadlineMs !== undefined) overrides.deadlineMs = deadlineMs;
  return { values, format, overrides };
}

function readRequest(eventPath: string | undefined): RunRequest {
  if (eventPath === undefined) return normaliseEvent(undefined, 'manual');
  let text: string;
  try {
    text = readFileSync(eventPath === '-' ? 0 : eventPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read --event ${eventPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      field: '--event',
      cause: error,
    });
  }
  return parseEventJson(text, eventPath === '-' ? 'stdin' : eventPath);
}

async function main(argv: string[]): Promise<number> {
  const logger = createLogger({ fd: 2, level: process.env.LOG_LEVEL || 'info' });
  let command;
  let config;
  try {
    command = parseCommandLine(argv);
    if (command.values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (command.values.version) {
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    }
    config = loadConfig(process.env, readRequest(command.values.event), command.overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`drs-auto-retry: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  const deadline = createDeadline(config.deadlineMs);
  const showProgress = process.stderr.isTTY === true;
  const report = await runAndNotify(config, {
    deadline,
    logger,
    // Gated on the run's size, not on the planned total, which grows as status pages arrive:
    // otherwise the first batches of a large run could settle before progress switches on.
    onProgress: (settled, total, requested) => {
      if (showProgress && requested > 100) process.stderr.write(`\rretried ${settled}/${total} jobs`);
    },
  });
  if (showProgress && report.summary.requested > 100) process.stderr.write('\n');
  if (report.error) logger.error({ runId: report.runId, error: report.error }, 'the run failed as a whole');

  const output = command.format === 'text' ? renderReportText(report) : `${JSON.stringify(report)}\n`;
  process.stdout.write(output);
  return exitCodeOf(report);
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode, not exit(): a large report on a pipe must be flushed before the process ends.
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = messageOf(error);
    process.stderr.write(`drs-auto-retry: unexpected failure: ${message}\n`);
    process.exitCode = 3;
  },
);
