/** The flow document as YAML text and back, for the code view. */
import { parseDocument, stringify } from 'yaml';
import type { FlowDocument } from './flow-operations';

export function toYaml(doc: FlowDocument): string {
  return stringify(doc, { lineWidth: 0 });
}

/** A syntax error carries the parser's own (English) message; the UI names the line and column in the user's language. */
export type YamlProblem = { kind: 'syntax'; message: string; line?: number; column?: number } | { kind: 'not_mapping' };

/** Parses YAML text into a flow document, or says why it cannot (with the 1-based line and column). */
export function parseFlowYaml(text: string): { ok: true; document: FlowDocument } | { ok: false; problem: YamlProblem } {
  const parsed = parseDocument(text);
  const error = parsed.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    return { ok: false, problem: { kind: 'syntax', message: error.message.split('\n')[0] ?? error.message, ...(at ? { line: at.line, column: at.col } : {}) } };
  }
  const value: unknown = parsed.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: { kind: 'not_mapping' } };
  }
  return { ok: true, document: value as FlowDocument };
}
