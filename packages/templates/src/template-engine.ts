import { Liquid, LiquidError, type Template } from 'liquidjs';
import { isTemplateVariable, type TemplateValues, type TemplateVariable } from './variables.js';

/** Where a template is broken, 1-based like an editor shows it. */
export interface TemplateSyntaxError {
  message: string;
  line: number;
  column: number;
}

/** The result of analysing one template. */
export type TemplateAnalysis =
  | { ok: false; error: TemplateSyntaxError }
  | {
      ok: true;
      /** Every variable the template reads (catalogue or not), grouped by root object. */
      variables: string[];
      /** The ones that are not in TEMPLATE_VARIABLES (the template cannot be saved with them). */
      unknown: string[];
    };

/** Subjects are one header line; bodies are plain text (see the package README). */
export type TemplateKind = 'subject' | 'body';

export interface RenderResult {
  output: string;
  /** Catalogue variables the template uses and the prospect has no value for. */
  missing: TemplateVariable[];
}

/** A template that cannot be rendered (syntax error or unknown variable): fix it first. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    message: string,
    readonly syntax: TemplateSyntaxError | null,
    readonly unknown: readonly string[],
  ) {
    super(message);
  }
}

/** Tags that read files or define layouts: a template is one self-contained text. */
const FILE_TAGS = ['include', 'render', 'layout', 'block'];

function createEngine(): Liquid {
  const engine = new Liquid({
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    outputEscape: undefined,
    cache: false,
  });
  for (const tag of FILE_TAGS) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete engine.tags[tag];
  }
  return engine;
}

const engine = createEngine();

/** A template parsed, with the variables it reads (variableNames). */
interface Parsed {
  templates: Template[];
  variables: string[];
}

/**
 * Parsed templates by text, the most recently used last: a campaign's step is rendered for every
 * prospect, and parsing it again each time cost the engine more than rendering it. Bounded:
 * the oldest is dropped beyond PARSED_TEMPLATES.
 */
const parsedTemplates = new Map<string, Parsed | TemplateSyntaxError>();
const PARSED_TEMPLATES = 1_000;

function parse(template: string): Parsed | TemplateSyntaxError {
  const cached = parsedTemplates.get(template);
  if (cached) {
    parsedTemplates.delete(template);
    parsedTemplates.set(template, cached);
    return cached;
  }
  let parsed: Parsed | TemplateSyntaxError;
  try {
    const templates = engine.parse(template);
    parsed = { templates, variables: variableNames(templates) };
  } catch (error) {
    parsed = syntaxError(error);
  }
  parsedTemplates.set(template, parsed);
  if (parsedTemplates.size > PARSED_TEMPLATES) {
    const [oldest] = parsedTemplates.keys();
    if (oldest !== undefined) parsedTemplates.delete(oldest);
  }
  return parsed;
}

function syntaxError(error: unknown): TemplateSyntaxError {
  if (error instanceof LiquidError) {
    const [line = 1, column = 1] = error.token.getPosition();
    const message = (error.originalError?.message ?? error.message).replace(
      /, line:\d+, col:\d+$/,
      '',
    );
    return { message, line, column };
  }
  throw error;
}

/** `person.first_name`; a computed (`person[x]`) or indexed path keeps Liquid's own spelling. */
function variableNames(templates: Template[]): string[] {
  const names: string[] = [];
  for (const segments of engine.globalVariableSegmentsSync(templates)) {
    const name = segments.every((segment) => typeof segment === 'string')
      ? segments.join('.')
      : JSON.stringify(segments);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Parses a template: its syntax error (message, line, column) or the variables it reads, with
 * the ones outside the catalogue listed as unknown. Variables a template assigns itself
 * (`{% assign %}`, `{% capture %}`, loop variables) are its own, not reads.
 */
export function analyse(template: string): TemplateAnalysis {
  const parsed = parse(template);
  if (!('templates' in parsed)) return { ok: false, error: { ...parsed } };
  const variables = [...parsed.variables];
  return { ok: true, variables, unknown: variables.filter((name) => !isTemplateVariable(name)) };
}

/** Liquid's scope from the flat catalogue values: `person.first_name` → `{ person: { first_name } }`. */
function scopeOf(values: TemplateValues): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    const path = name.split('.');
    let node = scope;
    for (const part of path.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = value;
  }
  return scope;
}

/**
 * Renders a template for one prospect. Values are inserted as they are (the output is plain
 * text: see textToHtml for the HTML part). A subject is one line: line breaks become spaces and
 * the ends are trimmed, so a value can never add a header. Throws TemplateError for a syntax
 * error or an unknown variable (analyse first when saving). `missing` lists the catalogue
 * variables the template reads and `values` lacks, so the sender can skip this prospect rather
 * than send "Bonjour ,".
 */
export function render(
  template: string,
  values: TemplateValues,
  kind: TemplateKind = 'body',
): RenderResult {
  const parsed = parse(template);
  if (!('templates' in parsed)) {
    throw new TemplateError(
      `line ${parsed.line}, column ${parsed.column}: ${parsed.message}`,
      { ...parsed },
      [],
    );
  }
  const { variables } = parsed;
  const unknown = variables.filter((name) => !isTemplateVariable(name));
  if (unknown.length > 0) {
    throw new TemplateError(`unknown variables: ${unknown.join(', ')}`, null, unknown);
  }
  const missing = variables.filter(
    (name): name is TemplateVariable =>
      isTemplateVariable(name) && (values[name] === null || values[name] === undefined),
  );
  const output = String(engine.renderSync(parsed.templates, scopeOf(values)));
  return {
    output:
      kind === 'subject'
        ? output
            .replace(/[\r\n]+/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
        : output,
    missing,
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * The HTML part of a rendered plain-text body: every character escaped (a company called
 * `Dupont & <Fils>` stays text), blank lines separate paragraphs, single line breaks become
 * `<br>`.
 */
export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
  return escaped
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}
