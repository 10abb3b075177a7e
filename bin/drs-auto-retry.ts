/**
 * The CLI face: argv + env → the same run as the function → the report on stdout, logs on
 * stderr, and the exit status of README "Running it by hand".
 */
import { readFileSync } from 'node:fs';
import packageJson from '../package.json' with { type: 'json' };
import { createDeadline, exitCodeOf, renderReportText, runAndNotify, type RunProgress } from '../lib/app/index.js';
import { ConfigError, messageOf } from '../lib/errors.js';
import { checkSomethingToDo, loadConfig, normaliseEvent, parseEventFile, type RunRequest } from '../lib/input/index.js';
import { createLogger } from '../lib/log.js';
import { parseCommandLine, USAGE } from './commandLine.js';

const EXIT_BAD_INPUT = 2;

function readRequest(eventPath: string | undefined): RunRequest {
  if (eventPath === undefined) return normaliseEvent(undefined, 'manual');
  let text: string;
  try {
    text = readFileSync(eventPath === '-' ? 0 : eventPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`--event ${eventPath}: ${fileProblem(error)}`, { field: '--event', cause: error });
  }
  return parseEventFile(text, eventPath === '-' ? 'stdin' : eventPath);
}

/** A file error in words, with what to do: node's own text ("ENOENT: no such file…") says neither. */
function fileProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file; check the path (relative paths start in the current directory), or use - for stdin';
    case 'EISDIR':
      return 'is a directory; give the path of a file in it';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; make the file readable for this user';
    default:
      return `cannot be read (${messageOf(error)})`;
  }
}

/** `\rread 250/301 statuses · retried 40/52` on one terminal line. */
function progressLine(progress: RunProgress, dryRun: boolean): string {
  const read = `read ${progress.read}/${progress.requested} statuses`;
  if (dryRun) return `\r${read} · ${progress.toRetry} would retry`;
  return `\r${read} · retried ${progress.retried}/${progress.toRetry}`;
}

async function main(argv: string[]): Promise<number> {
  const stderrIsTerminal = process.stderr.isTTY === true;
  // On a terminal a person reads the logs beside the text report: short lines, warnings and up,
  // unless LOG_LEVEL (read with every other setting, below) says otherwise.
  const logger = createLogger({ fd: 2, level: stderrIsTerminal ? 'warn' : 'info', format: stderrIsTerminal ? 'human' : 'json' });
  let command;
  let config;
  try {
    command = parseCommandLine(argv, process.stdout.isTTY === true);
    if (command.kind === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`${packageJson.version}\n`);
      return 0;
    }
    const request = readRequest(command.eventPath);
    config = loadConfig(process.env, request, { ...command.overrides, readFile: (path) => readFileSync(path, 'utf8') });
    checkSomethingToDo(config, request, 'cli');
    if (config.logLevel !== undefined) logger.level = config.logLevel;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`drs-auto-retry: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  const deadline = createDeadline(config.deadlineMs);
  const { dryRun } = config;
  let progressShown = false;
  const report = await runAndNotify(config, {
    deadline,
    logger,
    // Gated on the run's size, not on the planned total, which grows as status pages arrive.
    onProgress: (progress) => {
      if (!stderrIsTerminal || progress.requested <= 100) return;
      progressShown = true;
      process.stderr.write(progressLine(progress, dryRun));
    },
  });
  if (progressShown) process.stderr.write('\n');
  // The text report says a run-level error at its top; a second copy would only be noise.
  if (report.error && command.format === 'json') logger.error({ runId: report.runId, error: report.error }, 'the run failed as a whole');

  const output = command.format === 'text' ? renderReportText(report, { show: command.show, hiddenHint: '--show all lists them' }) : `${JSON.stringify(report)}\n`;
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
