import { ConfigError, messageOf } from '../errors.js';

/** Finds where JSON.parse stopped: Node 20 names no position for some errors, so probe the longest parsable prefix. */
function errorOffset(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated?.[1] !== undefined) return Number(stated[1]);
  if (message.includes('Unexpected end')) return text.length;
  const viable = (end: number) => {
    try {
      JSON.parse(text.slice(0, end));
      return true;
    } catch (error) {
      const reason = messageOf(error);
      const position = /at position (\d+)/.exec(reason)?.[1];
      return reason.includes('Unexpected end') || (position !== undefined && Number(position) >= end);
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (viable(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** JSON.parse with an error that names `source`, line and column; the engine's own text is cut before its quote of the input. */
export function parseJson(text: string, source: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = messageOf(error);
    const offset = errorOffset(text, message);
    const before = text.slice(0, offset).split('\n');
    const reason = [...message.replace(/, ".*$/s, '').replace(/ in JSON at position.*$/s, '')]
      .map((char) => (char < ' ' ? JSON.stringify(char).slice(1, -1) : char)).join('');
    throw new ConfigError(
      `${source} is not valid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (position ${offset}): ${reason}`,
      { field, cause: error },
    );
  }
}
