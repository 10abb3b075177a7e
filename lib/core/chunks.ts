/** `items` cut into consecutive pieces of `size` (the last one may be shorter), in order. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new TypeError(`Expected \`size\` to be a whole number from 1 and up, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
