/**
 * The failure causes DRS names in its own text (`failed_reason` in batch-detail, `error_msg` in the
 * task list), what each one needs, and where the docs say so: the default rules of README "Why did
 * it fail?". The facts and their sources are collected in shared/reference/drs-failure-causes.md
 * ("The table"); this is that table as data, in the same order. Pure data: matching is in
 * causeRuleSet.ts.
 *
 * DRS has already resumed a task by itself before its status says failed (three times for causes
 * that are not network ones; otc-docs drs/resuming_a_migration_task.rst), so a cause that no resume
 * heals would only fail again: such rules say `retry: false`, and their hint says what a person does.
 */

/** Where the docs say what a cause needs. Sources without a public page (MySQL's own texts) have no `url`. */
export interface CauseSource {
  /** E.g. `Huawei Cloud DRS troubleshooting drs_13_0018`, `MySQL error 1062`. */
  label: string;
  url?: string;
}

/** One failure-cause rule. */
export interface CauseRule {
  /** A stable name, the report's `cause.id`, e.g. `disk-full`. */
  id: string;
  /** Case-insensitive pieces of DRS's text: the rule matches when any one occurs in it. */
  match: readonly string[];
  /**
   * Case-insensitive regular expressions (their source text): the rule also matches when any one
   * matches. Used where a piece alone is too loose and the docs name what comes before it.
   */
  pattern: readonly string[];
  /** Whether a task failed for this cause is resumed automatically (within the retry budget). */
  retry: boolean;
  /** One sentence: what the cause means and, for `retry: false`, what a person does. */
  hint: string;
  /** Where the docs say so; the first one with a `url` is the doc the messages link. */
  sources: readonly CauseSource[];
}

/** What the report says of a job's failure cause (README "What happens to each job", field `cause`). */
export interface JobCause {
  /** The rule's id, or `unknown` when no rule matched. */
  id: string;
  /** Whether the rule lets the task be resumed (the status still decides first). */
  retry: boolean;
  hint: string;
  /** The page a person reads for this cause, where the docs have one. */
  doc?: string;
}

/** The id of the cause no rule matched. Operators may change its `retry` and `hint`, not its matching. */
export const UNKNOWN_CAUSE_ID = 'unknown';

/** The verdict when no rule matches: resumed as the status allows, within the budget. */
export const UNKNOWN_CAUSE: JobCause = {
  id: UNKNOWN_CAUSE_ID,
  retry: true,
  hint: "The failure cause is not recognised (or DRS gave none): it is resumed as its status allows, within the retry budget; if it keeps failing, read failureReason and add a rule to DRS_CAUSE_RULES.",
};

// The reference's source letters (drs-failure-causes.md, "Sources"): T the international site, E the
// EU site, C the Chinese site; M the MySQL server's own error text, which has no page of its own.
const troubleshooting = (page: string): CauseSource => ({
  label: `Huawei Cloud DRS troubleshooting ${page}`,
  url: `https://support.huaweicloud.com/intl/en-us/trouble-drs/${page}.html`,
});
const troubleshootingEu = (page: string): CauseSource => ({
  label: `Huawei Cloud DRS troubleshooting (EU site) ${page}`,
  url: `https://support.huaweicloud.com/eu/trouble-drs/${page}.html`,
});
const troubleshootingCn = (page: string): CauseSource => ({
  label: `Huawei Cloud DRS troubleshooting (Chinese site) ${page}`,
  url: `https://support.huaweicloud.com/trouble-drs/${page}.html`,
});
const mysql = (what: string): CauseSource => ({ label: `MySQL ${what}` });
const otcDocs = (page: string): CauseSource => ({ label: `Open Telekom Cloud DRS docs: ${page}` });

const rule = (
  id: string,
  match: readonly string[],
  retry: boolean,
  hint: string,
  sources: readonly CauseSource[],
  pattern: readonly string[] = [],
): CauseRule => ({ id, match, pattern, retry, hint, sources });

/**
 * The default rules, in the reference table's order. Matching does not follow this order blindly:
 * see causeRuleSet.ts (the rules needing a person are tried before the ones that retry).
 */
export const DEFAULT_CAUSE_RULES: readonly CauseRule[] = [
  rule('dbms-unreachable', ['Unable to connect to DBMS'], true,
    'The source or destination database did not answer: this usually passes; if it persists, check the network, the security groups and the database password of the task.',
    [otcDocs('Querying Tasks of a Tenant (its example error_msg)'), troubleshooting('drs_13_0081')]),
  rule('link-failure', ['Communications link failure'], true,
    'The database connection dropped: a resume usually heals it; if it persists, check the network between DRS and the database.',
    [troubleshooting('drs_13_0018'), mysql('JDBC driver message')]),
  rule('master-disconnected', ['master disconnected'], true,
    'The source closed the replication connection: a resume reconnects; if it persists, check the health of the source database.',
    [{ label: 'Huawei Cloud DRS troubleshooting (named in its index)' }]),
  rule('core-process', ['core process is not healthy or crashed'], true,
    "DRS's own replication process restarted: its daemon recovers it, and a resume continues the task.",
    [troubleshooting('drs_13_0055')]),
  rule('shard-split', ['error when split table shard'], true,
    'The source was slow or the network unstable during the full migration: a resume usually continues; if it persists, lighten the load on the source.',
    [troubleshootingEu('drs_13_0041'), troubleshooting('drs_13_0130')]),
  rule('server-uuid', ['serverUUID not equals to this session'], true,
    'The destination switched between primary and standby: the task is resumed once the switchover has settled.',
    [troubleshooting('drs_13_0080')]),
  rule('lock-wait', ['Lock wait timeout exceeded'], true,
    'A row lock on the destination timed out (MySQL 1205): a resume tries again; if it persists, look for long transactions on the destination.',
    [mysql('error 1205')]),
  rule('disk-full', ['No space left on device', 'is full', '--super-read-only'], false,
    "The destination's storage is full (a full RDS for MySQL turns read-only): expand its storage, then resume the task.",
    [troubleshooting('drs_13_0018'), troubleshooting('drs_13_0024'), troubleshootingEu('drs_13_0060')]),
  rule('access-denied', ['Access denied for user'], false,
    "A database password changed or the account lost its rights: update the task's database password (console, or the DRS API's batch-modify-pwd), then resume the task.",
    [mysql('error 1045'), { label: 'Huawei Cloud DRS API drs_03_0134 (batch-modify-pwd)', url: 'https://support.huaweicloud.com/intl/en-us/api-drs/drs_03_0134.html' }]),
  rule('super-privilege', ['SUPER privilege'], false,
    'The destination account lacks a privilege (definers, triggers): grant it, or recreate the task without definers.',
    [troubleshooting('drs_13_0039'), troubleshooting('drs_13_0061')]),
  rule('force-recovery', ['innodb_force_recovery'], false,
    'The destination runs in forced recovery (innodb_force_recovery): fix the destination database, then resume the task.',
    [troubleshooting('drs_13_0146')]),
  rule('ssl-write', [], false,
    "The destination requires SSL: enable SSL for the task's destination connection, then resume the task.",
    [troubleshooting('drs_13_0148')],
    ['write table[\\s\\S]*?failed: null']),
  rule('file-damaged', ["Can't find file"], false,
    'A table file on the destination is damaged: repair the table on the destination, then resume the task.',
    [troubleshooting('drs_13_0063')]),
  rule('table-missing', ['not found in target database'], false,
    'A table is missing on the destination: create it there, or recreate the task.',
    [troubleshooting('drs_13_0111')]),
  rule('table-exists', [], false,
    'A table already exists on the destination during the incremental phase: drop it there, then resume the task.',
    [troubleshootingCn('drs_13_0068')],
    ['table\\s+[\'`"]\\S{0,200}?[\'`"]\\s+already exists']),
  rule('offset-mismatch', ['offset and file name between src and parser is inconsistency'], false,
    "The source's binlog position is inconsistent: a DBA checks the source's binlogs, then resumes the task.",
    [troubleshootingEu('drs_13_0054')]),
  rule('row-image', ['record field size for insert/delete dml'], false,
    'The source does not log full row images: set binlog_row_image=FULL on the source, then resume the task.',
    [troubleshooting('drs_13_0057')]),
  rule('no-primary-key', ['without PK execute failed', 'dml without pk write target db fail'], false,
    'A table without a primary key cannot be written: add a primary key to it; a disaster-recovery task must then be recreated.',
    [troubleshooting('drs_13_0078'), troubleshootingEu('drs_13_0136')]),
  rule('sql-syntax', ['You have an error in your SQL syntax'], false,
    'The destination refuses a statement: a person decides whether to skip it (with support) or to fix the schema.',
    [troubleshooting('drs_13_0076')]),
  rule('binlog-parse', ['binlog parse fail, data dictionary may be not complete'], false,
    'An incompatible DDL on the source stopped binlog parsing: open a support ticket.',
    [troubleshooting('drs_13_0098')]),
  rule('heap', ['Java heap space'], false,
    'DRS ran out of memory on this task: open a support ticket, or move the task to a bigger replication instance.',
    [troubleshooting('drs_13_0027')]),
  rule('duplicate-key', ['Duplicate entry'], false,
    "The destination's data conflicts with the source (MySQL 1062): a resume cannot fix it; recreate the task.",
    [troubleshootingEu('drs_13_0058'), mysql('error 1062')]),
  rule('must-seek', ['Must seek before attempting to read next event'], false,
    "DRS's own log data was purged after a long interruption: recreate the task.",
    [troubleshooting('drs_13_0067')]),
  rule('binlog-purged', ['Could not find first log file name in binary log index', 'purged binary logs'], false,
    'The source purged binlogs the task still needs (MySQL 1236): reset the task; a resume cannot continue it.',
    [otcDocs('Does DRS Support Resumable Uploads?'), mysql('error 1236')]),
];

/** The page a message links for a rule: its first source with a URL. */
export function docOf(rule: Pick<CauseRule, 'sources'>): string | undefined {
  return rule.sources.find((source) => source.url !== undefined)?.url;
}
