/**
 * JSON.parse keeps the last of two equal keys without a word; log readers differ (some keep the
 * first, some refuse the line). This parser refuses a line that holds a key twice in one object,
 * and is otherwise JSON.parse: it finds the keys, then leaves the values to JSON.parse.
 */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string, readonly at: number) {
    super(`key "${key}" appears twice in one object (at character ${at})`);
    this.name = 'DuplicateKeyError';
  }
}

/** Parses `text` as JSON, throwing DuplicateKeyError when an object holds a key twice. */
export function parseStrictJson(text: string): unknown {
  const value = JSON.parse(text) as unknown; // syntax errors first, in JSON.parse's words
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // the opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const any = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        const at = i;
        const key = string();
        if (keys.has(key)) throw new DuplicateKeyError(key, at);
        keys.add(key);
        space();
        i++; // the colon
        any();
        space();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        any();
        space();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') {
      string();
      return;
    }
    while (i < text.length && !',]} \t\n\r'.includes(text[i] ?? '')) i++; // a number, true, false or null
  };
  any();
  return value;
}
