/** Text a pull request controls (recipe fields, file names) made safe inside a Markdown table cell. */
export function cell(text: string | number): string {
  return String(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** A fenced code block that the content cannot close early, whatever backticks it holds. */
export function fence(content: string, language = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${content.replace(/\n$/, '')}\n${ticks}`;
}

/** GitHub refuses comments over 65,536 characters. */
export const COMMENT_LIMIT = 65_536;

/** Cuts `text` to at most `max` characters, keeping its end (where plans and errors summarize). */
export function keepEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `... (${text.length - max} characters cut; the full output is in the workflow log)\n`;
  return note + text.slice(text.length - Math.max(0, max - note.length));
}
