/** A file the generator owns: its path relative to the repository root, with `/` separators, and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
  /**
   * A digest of everything `content` is made from, when computing it is cheaper than the content itself:
   * equal keys mean equal content, so a regenerate that finds the same key and an untouched file skips
   * rendering it (see write/write-files.ts, the render cache).
   */
  readonly key?: string;
}
