/**
 * A copy of `text` in one piece. V8 keeps a string made by concatenation (or a slice) as a tree of (or a view
 * on) its parts; for strings held until the end of a regenerate by the ten thousand (paths, stats, digests) the
 * copy takes a third of the memory.
 */
export function flatString(text: string): string {
  return Buffer.from(text, 'utf-8').toString('utf-8');
}
