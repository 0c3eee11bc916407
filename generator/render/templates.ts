import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { hclValue, type HclValue } from '../infra/hcl';
import { GENERATOR_DIR } from '../model/generator-dir';

const TEMPLATES_DIR = join(GENERATOR_DIR, 'templates');

const handlebars = Handlebars.create();
handlebars.registerHelper('join', (items: unknown, separator: unknown) =>
  Array.isArray(items) ? items.join(typeof separator === 'string' ? separator : ', ') : '',
);
// `{{hcl value level}}`: an HCL expression, nested lines indented for the template line's nesting level
handlebars.registerHelper('hcl', (value: HclValue, ...args: unknown[]) =>
  hclValue(value, typeof args[0] === 'number' ? args[0] : 0),
);
handlebars.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).find((a) => a) ?? '');

/** Renders `generator/templates/<name>.hbs`. Templates produce text, not HTML: nothing is escaped. */
export function renderTemplate(name: string, data: unknown): string {
  const text = readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), 'utf-8');
  return handlebars.compile(text, { noEscape: true, strict: true })(data);
}
