/** Builds any engine by name, with the `--set engine.key=value` overrides that concern it. */
import { createPeerEngine, loadPeer } from '../peers/peer.js';
import type { Engine, EngineConfig, EngineName } from './engine.js';
import { createNudgeEngine, type NudgeEngineOptions } from './nudge-engine.js';

export interface BuildOptions {
  receiverUrl: string;
  workers: number;
  pgUrl: string;
  redisUrl: string;
  /** All `--set` pairs; keys are `<engine>.<key>`, `nudge.<key>` for both Nudge stores. */
  set: Record<string, string>;
  nudge?: NudgeEngineOptions;
  nodeFlags?: string[];
}

function tuningFor(name: EngineName, set: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const prefixes = name.startsWith('nudge') ? ['nudge.', `${name}.`] : [`${name}.`];
  for (const [k, v] of Object.entries(set)) {
    for (const p of prefixes) if (k.startsWith(p)) out[k.slice(p.length)] = v;
  }
  return out;
}

export async function buildEngine(name: EngineName, o: BuildOptions): Promise<Engine> {
  const config: EngineConfig = { receiverUrl: o.receiverUrl, workers: o.workers, pgUrl: o.pgUrl, redisUrl: o.redisUrl, tuning: tuningFor(name, o.set) };
  if (name === 'nudge-sqlite' || name === 'nudge-pg') return createNudgeEngine(name, config, { ...o.nudge, nodeFlags: o.nodeFlags ?? [] });
  return createPeerEngine(await loadPeer(name), config, { nodeFlags: o.nodeFlags ?? [] });
}
