import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document } from 'yaml';
import { describeReference, type ModelReference } from './model-reference';

/** Why `promote` cannot go on, in words that name the file and what was expected. */
export class PromoteError extends Error {}

export const APPS_DIR = 'apps';
/** The service kinds whose model `promote` changes, and where each app keeps it. */
export const PROMOTABLE_KINDS = ['kserve', 'triton', 'rayserve-vllm'] as const;

/** One field of the app the promotion changes. */
export interface ModelField {
  /** The field as a reader finds it in the file, such as `server.env[MODEL_PATH].value`. */
  readonly label: string;
  readonly path: readonly (string | number)[];
  readonly from: string;
}

export interface AppFile {
  /** Relative to the repository root: apps/<team>/<name>.yaml. */
  readonly file: string;
  readonly name: string;
  readonly team: string;
  readonly kind: string;
  readonly text: string;
}

/**
 * The app `--to` names: its file (apps/<team>/<name>.yaml), `<team>/<name>`, or a name only one app has.
 */
export function findApp(root: string, to: string): AppFile {
  const files = appFiles(root);
  const apps = files.map((file) => readApp(root, file));
  const wanted = to.replace(/\\/g, '/').replace(/^\.\//, '');
  const matches = apps.filter(
    (a) => a.file === wanted || `${a.team}/${a.name}` === wanted || a.name === wanted || a.file === `${wanted}.yaml`,
  );
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new PromoteError(
      `--to ${to}: ${matches.length} apps are named so (${matches.map((a) => a.file).join(', ')}): ` +
        'name it as <team>/<name> or by its file',
    );
  }
  const known = apps.map((a) => `${a.team}/${a.name}`).join(', ') || `none: ${APPS_DIR}/ holds no app`;
  throw new PromoteError(`--to ${to}: no app of that name or file under ${APPS_DIR}/ (the apps: ${known})`);
}

function appFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    if (!existsSync(join(root, rel))) return;
    for (const name of readdirSync(join(root, rel)).sort()) {
      const child = `${rel}/${name}`;
      if (statSync(join(root, child)).isDirectory()) walk(child);
      else if (/\.ya?ml$/.test(name)) out.push(child);
    }
  };
  walk(APPS_DIR);
  return out;
}

function readApp(root: string, file: string): AppFile {
  const text = readFileSync(join(root, file), 'utf-8');
  const doc = parseDocument(text);
  const data = doc.errors.length ? undefined : (doc.toJS() as unknown);
  const header = (key: string) => {
    const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : '';
  };
  const [, team = '', base = ''] = /^apps\/([^/]+)\/(.+)\.ya?ml$/.exec(file) ?? [];
  return { file, text, name: header('name') || base, team: header('team') || team, kind: header('kind') };
}

/** Where the app keeps the model it serves: refused for a kind that has none, or an app without the field. */
export function modelFields(app: AppFile): ModelField[] {
  if (!(PROMOTABLE_KINDS as readonly string[]).includes(app.kind)) {
    throw new PromoteError(
      `${app.file}: kind ${app.kind || '(none)'} cannot be promoted: promote changes the model of a ` +
        `${PROMOTABLE_KINDS.join(', ')} app`,
    );
  }
  const doc = parseApp(app);
  const at = (path: (string | number)[], label: string): ModelField | undefined => {
    const node = doc.getIn(path, true);
    return isScalar(node) && typeof node.value === 'string' ? { label, path, from: node.value } : undefined;
  };
  const missing = (what: string) => new PromoteError(`${app.file}: ${what}, so promote has nothing to change`);
  if (app.kind === 'kserve') {
    const field = at(['storage_uri'], 'storage_uri');
    if (!field) throw missing('expected storage_uri (the model KServe serves), found none');
    return [field];
  }
  if (app.kind === 'triton') {
    const env = doc.getIn(['server', 'env'], true);
    const index = isSeq(env) ? env.items.findIndex((item) => isMap(item) && item.get('name') === 'MODEL_PATH') : -1;
    const field = index >= 0 ? at(['server', 'env', index, 'value'], 'server.env[MODEL_PATH].value') : undefined;
    if (!field) throw missing('expected server.env to set MODEL_PATH (the model the server loads), found none');
    return [field];
  }
  // rayserve-vllm: vLLM's engine arguments; the tokenizer follows the model when it was the model's
  const model = at(['engine', 'config', 'model'], 'engine.config.model');
  if (!model) throw missing('expected engine.config.model (the model vLLM loads), found none');
  const tokenizer = at(['engine', 'config', 'tokenizer'], 'engine.config.tokenizer');
  return tokenizer && tokenizer.from === model.from ? [model, tokenizer] : [model];
}

function parseApp(app: AppFile): Document {
  const doc = parseDocument(app.text, { keepSourceTokens: false });
  if (doc.errors.length) throw new PromoteError(`${app.file}: ${doc.errors[0].message}`);
  return doc;
}

/**
 * The app's text with each field set to `uri`: only the characters of those values change (the Document API finds
 * them, the text is cut at their source range), so comments, quoting and layout stay as written. A registry
 * reference is noted in a comment on the line, for the reader of the file.
 */
export function editApp(app: AppFile, fields: readonly ModelField[], uri: string, ref: ModelReference): string {
  const doc = parseApp(app);
  const edits = fields
    .map((f) => {
      const node = doc.getIn([...f.path], true) as Scalar;
      const [start, end] = node.range!;
      return { start, end, type: node.type };
    })
    .sort((a, b) => b.start - a.start);
  let text = app.text;
  const note = ref.registry === 's3' ? '' : ` # promoted from ${describeReference(ref)}`;
  for (const edit of edits) {
    const lineEnds = text.indexOf('\n', edit.end);
    const eol = lineEnds < 0 ? text.length : lineEnds;
    // the line's comment gives way to the note; inside a flow collection (`{ name: x, value: y }`) no note fits
    const rest = text.slice(edit.end, eol);
    const tail = note && (rest.trim() === '' || rest.trim().startsWith('#')) ? note : rest;
    text = text.slice(0, edit.start) + scalarText(uri, edit.type) + tail + text.slice(eol);
  }
  const check = parseDocument(text);
  for (const f of fields) {
    if (check.getIn([...f.path]) !== uri) throw new Error(`the edit of ${app.file} did not set ${f.label}`);
  }
  return text;
}

function scalarText(value: string, type: Scalar['type']): string {
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (type === Scalar.PLAIN && /^[A-Za-z0-9][^\s#:]*(:[^\s#][^\s#:]*)*$/.test(value)) return value;
  return JSON.stringify(value);
}

/** The promotion's branch: one per app and model location, so promoting the same again is refused by GitHub. */
export function promoteBranch(app: AppFile, uri: string): string {
  return `promote/${app.name}-${createHash('sha256').update(uri).digest('hex').slice(0, 8)}`;
}

export function promoteText(input: {
  app: AppFile;
  fields: readonly ModelField[];
  uri: string;
  ref: ModelReference;
  generated: number;
  preview: string;
}): { title: string; body: string; commitMessage: string } {
  const { app, fields, uri, ref } = input;
  const what = describeReference(ref);
  const changes = fields.map((f) => `| \`${f.label}\` | \`${f.from}\` | \`${uri}\` |`);
  return {
    title: `Promote ${what} to ${app.team}/${app.name}`,
    commitMessage:
      `promote: ${what} to ${app.team}/${app.name}\n\n` +
      `${app.file} serves ${uri}` +
      (input.generated ? `; ${input.generated} generated file(s) follow.` : '.'),
    body: [
      `Serves \`${what}\`${ref.registry === 's3' ? '' : ` (resolved to \`${uri}\`)`} with the ${app.kind} app ` +
        `\`${app.team}/${app.name}\` (\`${app.file}\`).`,
      '',
      '| field | from | to |',
      '|---|---|---|',
      ...changes,
      '',
      'Opened with `npx projen promote`. Argo CD rolls the service out once this pull request is merged, and ' +
        'reports its sync and health here.',
      '',
      input.preview,
    ].join('\n'),
  };
}
