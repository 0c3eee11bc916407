/**
 * The subset of Go's text/template that the generated ApplicationSets use, evaluated as Argo CD does with
 * `goTemplate: true` and `goTemplateOptions: ["missingkey=error"]`: actions `{{ pipeline }}` (with `{{-`
 * / `-}}` trimming), field chains `.a.b`, `index`, and Sprig's `toJson`, `quote`, `lower`, `upper`,
 * with pipelines `x | f`. A missing map key, an index out of range or any other construct is an error, never an empty
 * string.
 */
export class TemplateError extends Error {}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  index: (collection: unknown, ...keys: unknown[]) => keys.reduce((value, k) => indexOf(value, k), collection),
  toJson: (value: unknown) => JSON.stringify(value),
  quote: (value: unknown) => JSON.stringify(String(value)),
  lower: (value: unknown) => String(value).toLowerCase(),
  upper: (value: unknown) => String(value).toUpperCase(),
};

export function renderGoTemplate(template: string, data: unknown): string {
  let out = '';
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) return out + rest;
    let text = rest.slice(0, open);
    let body = rest.slice(open + 2);
    const close = body.indexOf('}}');
    if (close < 0) throw new TemplateError(`unclosed action in ${JSON.stringify(template)}`);
    let action = body.slice(0, close);
    rest = body.slice(close + 2);
    if (action.startsWith('-')) {
      text = text.replace(/\s+$/, '');
      action = action.slice(1);
    }
    if (action.endsWith('-')) {
      rest = rest.replace(/^\s+/, '');
      action = action.slice(0, -1);
    }
    body = action.trim();
    out += text + print(evaluatePipeline(body, data));
  }
}

function print(value: unknown): string {
  if (value === undefined || value === null) return '<no value>';
  if (typeof value === 'object') {
    throw new TemplateError(`cannot print a ${Array.isArray(value) ? 'list' : 'map'}; use toJson`);
  }
  return String(value);
}

function evaluatePipeline(pipeline: string, data: unknown): unknown {
  if (/^(if|else|end|range|with|define|template|block)\b/.test(pipeline)) {
    throw new TemplateError(`unsupported action {{ ${pipeline} }}`);
  }
  let value: unknown;
  let first = true;
  for (const command of pipeline.split('|').map((c) => c.trim())) {
    const words = tokenize(command);
    if (words.length === 0) throw new TemplateError(`empty command in {{ ${pipeline} }}`);
    const args = words.slice(1).map((w) => operand(w, data));
    if (!first) args.push(value);
    const head = words[0];
    if (head in FUNCTIONS) value = FUNCTIONS[head](...args);
    else if (args.length === 0 && first) value = operand(head, data);
    else throw new TemplateError(`function "${head}" not defined`);
    first = false;
  }
  return value;
}

function tokenize(command: string): string[] {
  const words: string[] = [];
  const pattern = /"(?:[^"\\]|\\.)*"|[^\s]+/g;
  for (const match of command.matchAll(pattern)) words.push(match[0]);
  return words;
}

function operand(word: string, data: unknown): unknown {
  if (word.startsWith('"')) return JSON.parse(word);
  if (/^-?[0-9]+$/.test(word)) return Number(word);
  if (word === '.') return data;
  if (word.startsWith('.')) {
    return word
      .slice(1)
      .split('.')
      .reduce((value, field) => fieldOf(value, field), data);
  }
  throw new TemplateError(`unsupported operand ${word}`);
}

function fieldOf(value: unknown, field: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TemplateError(`can't evaluate field ${field} in ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  if (!(field in (value as object))) throw new TemplateError(`map has no entry for key "${field}"`);
  return (value as Record<string, unknown>)[field];
}

function indexOf(value: unknown, key: unknown): unknown {
  if (Array.isArray(value)) {
    if (typeof key !== 'number' || key < 0 || key >= value.length) {
      throw new TemplateError(`index out of range: ${String(key)}`);
    }
    return value[key];
  }
  if (value !== null && typeof value === 'object') return fieldOf(value, String(key));
  throw new TemplateError(`can't index item of type ${typeof value}`);
}
