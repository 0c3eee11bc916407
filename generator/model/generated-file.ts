/** A file the generator owns: its path relative to the repository root, with `/` separators, and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}
