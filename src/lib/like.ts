/** A text as a literal inside a LIKE pattern: its % _ and \ match only themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The LIKE pattern for "starts with": the prefix codes use for "this and everything below it". */
export function likePrefix(prefix: string): string {
  return `${escapeLike(prefix)}%`;
}
