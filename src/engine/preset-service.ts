/**
 * Making a flow from a preset: check the values given for its placeholders, write plain ones
 * into the flow, store secret ones encrypted, create the flow and (if asked) activate it — all
 * in one transaction, so a refused activation leaves nothing behind.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { issueAt } from '../core/issue-codes.js';
import type { FlowDefinition } from '../core/flow-definition.js';
import { findPreset, PRESETS, type Preset } from '../presets/index.js';
import type { FlowRow, Workspace } from '../store/schema.js';
import { NotFoundError } from '../core/errors.js';
import type { EngineContext } from './engine-context.js';
import { checkFlow, createFlowInTransaction } from './flow-service.js';
import { setSecret } from './secrets.js';
import { referencedPlaceholders } from '../core/flow-references.js';

export function presetView(p: Preset): Record<string, unknown> {
  return { id: p.id, name: p.name, description: p.description, category: p.category, placeholders: p.placeholders, flow: p.flow };
}

export function listPresets(): Preset[] {
  return [...PRESETS];
}

export function getPreset(id: string): Preset {
  const p = findPreset(id);
  if (!p) throw new NotFoundError('preset', id);
  return p;
}

export interface InstantiateOptions {
  /** Placeholder values by name. */
  values: Record<string, string>;
  /** Flow name; default the preset's. */
  name?: string | undefined;
  activate?: boolean | undefined;
}

export async function instantiatePreset(
  ctx: EngineContext,
  workspace: Workspace,
  presetId: string,
  options: InstantiateOptions,
): Promise<{ flow: FlowRow; missing: string[] }> {
  const preset = getPreset(presetId);
  const known = new Map(preset.placeholders.map((p) => [p.name, p]));
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(options.values)) {
    if (!known.has(name)) issues.push(issueAt(`placeholders.${name}`, 'unknown_placeholder', { name, preset: preset.id, known: [...known.keys()].join(', ') }));
    else if (typeof value !== 'string' || value === '') issues.push({ path: `placeholders.${name}`, message: 'expected a non-empty string', code: 'not_empty' });
  }
  if (issues.length > 0) throw new ValidationError('invalid_placeholders', issues);

  const plain = Object.fromEntries(Object.entries(options.values).filter(([n]) => !known.get(n)!.secret));
  let definition = fillPlaceholders(preset.flow, plain) as FlowDefinition;
  if (options.name) definition = { ...definition, name: options.name };
  const { flow } = checkFlow(ctx, definition);
  const now = ctx.clock.now();
  const { row, earliest } = await ctx.store.transaction(async (trx) => {
    for (const p of preset.placeholders) {
      const value = options.values[p.name];
      if (p.secret && value !== undefined) await setSecret(trx, ctx.secretBox, workspace.id, p.name, value, now);
    }
    return createFlowInTransaction(ctx, trx, workspace, flow, { activate: options.activate }, now);
  });
  if (earliest !== null) ctx.wake(earliest);
  return { flow: row, missing: referencedPlaceholders(flow) };
}

const PLACEHOLDER = /\{\{\s*placeholders\.([A-Z][A-Z0-9_]*)\s*\}\}/g;

/** Replaces `{{ placeholders.NAME }}` with its value, kept literal (a value with `{{` is not a template). */
export function fillPlaceholders(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(values, name) ? `{% raw %}${values[name]}{% endraw %}` : whole,
    );
  }
  if (Array.isArray(value)) return value.map((v) => fillPlaceholders(v, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, values)]));
  }
  return value;
}
