/**
 * The channels a `send` step can name. The registry validates step settings with each module's
 * schema (paths like `steps[2].send.text`) and describes every channel as data for the API and UI.
 */
import { z } from 'zod';
import type { FieldIssue } from '../core/errors.js';
import type { ChannelValidator } from '../core/step-validation.js';
import { zodIssues } from '../core/zod-issues.js';
import type { ChannelModule } from './channel.js';

export interface ChannelRegistry {
  get(id: string): ChannelModule | undefined;
  /** Validators for `validateFlow(input, { channels })`. */
  validators: Readonly<Record<string, ChannelValidator>>;
  /** Every channel's manifest with its settings as JSON Schema. */
  describe(): Array<Record<string, unknown>>;
}

export function createChannelRegistry(modules: ChannelModule[]): ChannelRegistry {
  const byId = new Map<string, ChannelModule>();
  for (const m of modules) {
    if (byId.has(m.manifest.id)) throw new Error(`channel ${m.manifest.id} registered twice`);
    byId.set(m.manifest.id, m);
  }
  const validators: Record<string, ChannelValidator> = Object.create(null) as Record<string, ChannelValidator>;
  for (const [id, m] of byId) {
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
      [...byId.values()].map((m) => {
        const schema = z.toJSONSchema(m.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
        delete schema.$schema;
        return { ...m.manifest, settings: schema };
      }),
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
