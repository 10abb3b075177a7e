/**
 * `text` cut to at most `max` characters, with `…` as the last one when cut. Counts code points,
 * so a cut never splits a character (an emoji or a CJK character outside the BMP) in two.
 */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : text;
}
