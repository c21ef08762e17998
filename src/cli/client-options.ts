/** What every client command (one that talks to a running server) shares: its flags and output. */
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { ApiClientOptions } from './api-client.js';

export interface ClientFlags {
  url?: string;
  key?: string;
}

export const clientOptions = (cmd: Command): Command =>
  cmd.option('--url <url>', 'Nudge server (default NUDGE_URL or http://127.0.0.1:3000)').option('--key <key>', 'API key (default NUDGE_API_KEY)');

export const client = (config: Readonly<Config>, o: ClientFlags): ApiClientOptions => ({
  url: o.url ?? config.client.url,
  apiKey: o.key ?? config.client.apiKey,
});

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}
