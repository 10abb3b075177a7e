/**
 * DRS's text of why a task failed, made fit for a report, a log line and a chat message.
 *
 * The text is the database's or the driver's own message wrapped by DRS (`service LOGMANAGER
 * failed, cause by: …`), so it can carry connection strings, user names and, in real shapes, a
 * password: the task list's own example is `Unable to connect to DBMS: url=jdbc:mysql://…&useSSL=false…
 * user=root` (otc-docs drs/querying_tasks_of_a_tenant.rst, example response). Anything that looks
 * like a credential is masked before the text leaves the function; addresses and user names stay,
 * because they are what a person needs to find the broken connection.
 */

/** The longest `failureReason`, in code points: enough for DRS's cause, short enough for a chat line. */
export const FAILURE_REASON_MAX_CHARS = 500;

/** What a masked credential reads as. */
export const MASK = '***';

// Masked before any cut: a cut secret would no longer look like one. Bounded first, so a
// megabyte of stack trace costs no more than this.
const MASKED_TEXT_MAX_CHARS = 65_536;

const QUOTED = String.raw`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"`;

/** Words that name a secret in `key=value` and `key: value` shapes (JDBC options, JSON, headers). */
const SECRET_KEY = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|credential|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*|pass|pw|ak|sk`;

interface Masking {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const maskQuoted = (value: string) => (/^['"]/.test(value) ? `${value[0]}${MASK}${value[0]}` : MASK);

const MASKINGS: readonly Masking[] = [
  // -----BEGIN … PRIVATE KEY----- blocks.
  {
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: () => `-----BEGIN PRIVATE KEY----- ${MASK} -----END PRIVATE KEY-----`,
  },
  // scheme://user:password@host (JDBC, postgres://, mongodb://): the user stays, the password goes.
  // Greedy up to the last "@" before the path, so a password holding an unescaped "@" goes whole.
  {
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]+):([^\s/?#]*)@/gi,
    replace: (_match, userPart: string) => `${userPart}:${MASK}@`,
  },
  // SQL: IDENTIFIED [WITH plugin] BY [PASSWORD] '…', PASSWORD('…'), SET PASSWORD … = '…', PASSWORD '…' (PostgreSQL).
  {
    pattern: new RegExp(String.raw`(\bIDENTIFIED\b(?:\s+WITH\s+\S+)?\s+(?:BY|AS)\s+(?:PASSWORD\s+)?)(${QUOTED})`, 'gi'),
    replace: (_match, lead: string, value: string) => `${lead}${maskQuoted(value)}`,
  },
  {
    pattern: new RegExp(String.raw`(\bSET\s+PASSWORD\b[^=;]{0,200}=\s*(?:PASSWORD\s*\(\s*)?)(${QUOTED})`, 'gi'),
    replace: (_match, lead: string, value: string) => `${lead}${maskQuoted(value)}`,
  },
  {
    pattern: new RegExp(String.raw`(\bPASSWORD\s*(?:\(\s*|\s))(${QUOTED})`, 'gi'),
    replace: (_match, lead: string, value: string) => `${lead}${maskQuoted(value)}`,
  },
  // key=value and "key": "value", for any key naming a secret. MySQL 1045's own "(using password: YES)"
  // carries no secret and says something useful, so YES and NO stay.
  {
    pattern: new RegExp(String.raw`(["']?)\b(${SECRET_KEY})\1(\s*[=:]\s*)(${QUOTED}|[^\s&;,'")\]}]+)`, 'gi'),
    replace: (match, quote: string, key: string, separator: string, value: string) =>
      /^(?:YES|NO)$/i.test(value) ? match : `${quote}${key}${quote}${separator}${maskQuoted(value)}`,
  },
  // Authorization: Bearer …
  { pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, replace: (_match, lead: string) => `${lead}${MASK}` },
  // IAM tokens (PKI, base64 starting MII…) and JWTs.
  { pattern: /\bMII[A-Za-z0-9+/=_-]{40,}/g, replace: () => MASK },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, replace: () => MASK },
  // OTC/Huawei access keys: 20 upper-case letters and digits. Secret keys (40 characters) and other
  // long random tokens: 32 or more letters, digits and base64 marks, with upper case, lower case and
  // a digit (a lower-case hex digest, a binlog name or a camelCase option is left alone).
  { pattern: /\b(?=[A-Z0-9]{0,19}[A-Z])(?=[A-Z0-9]{0,19}[0-9])[A-Z0-9]{20}\b/g, replace: () => MASK },
  {
    pattern: /(?<![\w+/-])(?=[\w+/-]*[a-z])(?=[\w+/-]*[A-Z])(?=[\w+/-]*[0-9])[\w+/-]{32,}={0,2}/g,
    replace: () => MASK,
  },
];

/** `text` with everything that looks like a credential replaced by `***`. */
export function maskCredentials(text: string): string {
  return MASKINGS.reduce((masked, { pattern, replace }) => masked.replace(pattern, replace), text);
}

// Line breaks and tabs become spaces; other control characters and the bidirectional overrides
// (which can make a chat line read differently from what it holds) are dropped.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const BREAKS = /[\t\n\r]+/g;

/**
 * The report's `failureReason`: DRS's text on one line, credentials masked, at most
 * FAILURE_REASON_MAX_CHARS code points (a longer one ends in `…`). Undefined for no text.
 */
export function failureReason(text: string | undefined, maxChars = FAILURE_REASON_MAX_CHARS): string | undefined {
  if (text === undefined) return undefined;
  const bounded = text.length > MASKED_TEXT_MAX_CHARS ? text.slice(0, MASKED_TEXT_MAX_CHARS) : text;
  const oneLine = bounded.replace(BREAKS, ' ').replace(CONTROL, '').replace(/ {2,}/g, ' ').trim();
  if (oneLine === '') return undefined;
  return cutToCodePoints(maskCredentials(oneLine), maxChars);
}

/** `text` cut to at most `max` code points (never inside a surrogate pair), marked with `…` when cut. */
export function cutToCodePoints(text: string, max: number): string {
  // Cheap exit: fewer code units than the limit means fewer code points too.
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}
