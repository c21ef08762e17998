/**
 * The one Liquid configuration every template is parsed and rendered with. Templates are code
 * that flow authors write and the server runs, so a template sees only the data it is given:
 * - no file system: `{% include %}`, `{% render %}` and `{% layout %}` are refused when the
 *   template is parsed (saving a flow reports `{% include %} is not allowed`), and the engine's
 *   `fs` refuses every read, so a template that escaped validation still cannot read a file;
 * - bounded: a template has at most MAX_TEMPLATE_LENGTH characters; one rendering may run for
 *   RENDER_TIME_LIMIT_MS and allocate RENDER_MEMORY_LIMIT characters (ranges, string filters,
 *   outputs), and its result may be at most MAX_RENDERED_LENGTH characters;
 * - own properties only (no `constructor`, no prototype).
 */
import { Liquid, Tag, type Context, type FS, type TagToken, type TopLevelToken } from 'liquidjs';
import { issueMessage, type CodedProblem } from './issue-codes.js';

/** Longest template text in one field: a large HTML email is ~100 kB (Gmail clips at 102 kB). */
export const MAX_TEMPLATE_LENGTH = 200_000;
/** Longest rendering: a real template renders in well under a millisecond; a runaway loop stops here. */
const RENDER_TIME_LIMIT_MS = 500;
/** Characters (and range items) one rendering may allocate: ten times the longest result. */
const RENDER_MEMORY_LIMIT = 10_000_000;
/** Longest rendered field. */
export const MAX_RENDERED_LENGTH = 1_000_000;

/** Tags that read other templates from the file system. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

class FileTagRefused extends Error {
  constructor(readonly tag: string) {
    super(issueMessage('template_tag', { tag }));
  }
}

/** Fails at parse time, so the author is told when saving rather than when a session runs. */
class RefusedTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new FileTagRefused(token.name);
  }
  // Never reached: the constructor throws.
  *render(): Generator<unknown, void, unknown> {}
}

const refuse = (): never => {
  throw new Error('templates cannot read files');
};

/** A file system with no files: every lookup misses and every read fails. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => refuse(),
  readFileSync: () => refuse(),
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};

/** What becomes of each `{{ }}` output: escaping, and a look at it (see the engine's secrets). */
type OutputHook = (value: unknown, context: Context) => unknown;

/**
 * A Liquid engine with the sandbox's options. `output`, when given, transforms every `{{ }}`
 * output; every output's length counts against the rendering's memory limit, so a loop that
 * prints a long string many times stops like one that builds it.
 */
export function createSandboxedLiquid(options: { output?: OutputHook; cache?: number; strictFilters?: boolean } = {}): Liquid {
  const hook = options.output;
  const liquid = new Liquid({
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    outputEscape(this: { context: Context }, value: unknown) {
      const out = hook ? hook(value, this.context) : value;
      if (typeof out === 'string') this.context.memoryLimit.use(out.length);
      return out as string;
    },
    fs: NO_FILES,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: options.strictFilters ?? false,
    ownPropertyOnly: true,
    parseLimit: MAX_TEMPLATE_LENGTH,
    renderLimit: RENDER_TIME_LIMIT_MS,
    memoryLimit: RENDER_MEMORY_LIMIT,
  });
  for (const name of FILE_TAGS) liquid.registerTag(name, RefusedTag);
  return liquid;
}

/**
 * Why `error` (thrown by parsing) happened, in the author's terms: a refused tag's own message
 * (`{% include %} is not allowed`), else `template error: <liquid message>`.
 */
export function parseErrorMessage(error: unknown): string {
  const problem = parseProblem(error);
  return issueMessage(problem.code, problem.params);
}

/** parseErrorMessage's problem, with its code: `template_tag` or `template`. */
export function parseProblem(error: unknown): CodedProblem {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (original instanceof FileTagRefused) return { code: 'template_tag', params: { tag: original.tag } };
  return { code: 'template', params: { detail: error instanceof Error ? error.message : String(error) } };
}
