/**
 * Compiled flow versions by `flowId@version`. A version never changes once written, so entries
 * never go stale; the map is bounded so a long-running worker does not grow without limit.
 */
import type { Kysely } from 'kysely';
import { NudgeError } from '../core/errors.js';
import type { CompiledFlow } from '../core/flow-compiler.js';
import type { FlowDefinition } from '../core/flow-definition.js';
import { validateFlow } from '../core/flow-validation.js';
import type { ChannelValidator } from '../core/step-validation.js';
import type { Database } from '../store/schema.js';
import { getFlowVersion } from '../store/repositories/flows.js';
import { decodeJson } from '../store/repositories/json.js';

export interface LoadedFlow {
  definition: FlowDefinition;
  compiled: CompiledFlow;
}

export class FlowCache {
  private readonly entries = new Map<string, LoadedFlow>();

  constructor(
    private readonly channels: Readonly<Record<string, ChannelValidator>> = {},
    private readonly maxEntries = 2000,
  ) {}

  async get(db: Kysely<Database>, flowId: string, version: number): Promise<LoadedFlow> {
    const key = `${flowId}@${version}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const json = (await getFlowVersion(db, flowId, version)).definition_json;
    const result = validateFlow(decodeJson(json, null), { channels: this.channels });
    if (!result.ok) {
      // Stored versions were validated on save; this only happens if validation rules tightened.
      throw new NudgeError('stored_flow_invalid', `flow ${key} no longer validates: ${result.errors[0]?.message}`);
    }
    const loaded = { definition: result.flow, compiled: result.compiled };
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, loaded);
    return loaded;
  }
}
