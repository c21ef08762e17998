/**
 * Every channel the engine sends through. The registry validates `send` steps' settings with each
 * module's schema (paths like `steps[2].send.text`) and describes the channels a `send` step can
 * name as data for the API and UI. Webhook and email are in it too, for sending, previews and
 * test sends; their settings are step kinds of the flow schema (`manifest.stepKind`), validated
 * and described by core, so `validators` and `describe()` leave them out.
 */
import type { FieldIssue } from '../core/errors.js';
import { jsonSchemaOf } from '../core/json-schema.js';
import type { ChannelValidator } from '../core/step-validation.js';
import { zodIssues } from '../core/zod-issues.js';
import type { ChannelModule } from './channel.js';

export interface ChannelRegistry {
  get(id: string): ChannelModule | undefined;
  /** Validators for `validateFlow(input, { channels })`: the channels a `send` step can name. */
  validators: Readonly<Record<string, ChannelValidator>>;
  /** The manifest of every channel a `send` step can name, with its settings as JSON Schema. */
  describe(): Array<Record<string, unknown>>;
  /** Releases what the channels hold (an SMTP pool). */
  close(): void;
}

export function createChannelRegistry(modules: ChannelModule[]): ChannelRegistry {
  const byId = new Map<string, ChannelModule>();
  for (const m of modules) {
    if (byId.has(m.manifest.id)) throw new Error(`channel ${m.manifest.id} registered twice`);
    byId.set(m.manifest.id, m);
  }
  const validators: Record<string, ChannelValidator> = Object.create(null) as Record<string, ChannelValidator>;
  const named = [...byId.values()].filter((m) => m.manifest.stepKind === undefined);
  for (const m of named) {
    const id = m.manifest.id;
    const validate = (settings: Record<string, unknown>, path: string, issues: FieldIssue[]) => {
      const result = m.settings.safeParse(settings);
      if (!result.success) issues.push(...zodIssues(result.error, pathParts(path)));
    };
    validators[id] = Object.assign(validate, { credentialFields: m.manifest.credentialFields ?? [] });
  }
  return {
    get: (id) => byId.get(id),
    validators,
    describe: () =>
      named.map((m) => {
        return { ...m.manifest, settings: jsonSchemaOf(m.settings) };
      }),
    close: () => {
      for (const m of byId.values()) m.close?.();
    },
  };
}

/** `steps[2].send` → ['steps', 2, 'send'], so zod paths append to it. */
function pathParts(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) parts.push(Number(m[2]));
    else if (m[1] !== undefined) parts.push(m[1]);
  }
  return parts;
}
