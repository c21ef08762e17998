/** `nudge api-keys create|list|revoke`: the API key's own workspace's keys, through the API (/v1/api-keys). */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { callApi } from './api-client.js';
import { client, clientOptions, print, type ClientFlags } from './client-options.js';

interface KeyData {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  role: string;
}

export function registerApiKeyCommands(program: Command): void {
  const keys = program.command('api-keys').description('API keys of the key’s own workspace (talks to the API; `keys` works on the database)');
  clientOptions(
    keys
      .command('create')
      .requiredOption('--name <name>', 'a label for the key')
      .option('--role <role>', 'owner, admin (default) or staff: what the key may do')
      .description('create a key (printed once)'),
  ).action(
    async (o: ClientFlags & { name: string; role?: string }) => {
      const json = o.role === undefined ? { name: o.name } : { name: o.name, role: o.role };
      const res = (await callApi(client(loadConfig(), o), 'POST', '/v1/api-keys', { json })) as { data: KeyData & { key: string } };
      print(`${res.data.id}  ${res.data.prefix}…  ${res.data.name}  ${res.data.role}`);
      print(`API key (shown once): ${res.data.key}`);
    },
  );
  clientOptions(keys.command('list').description('list keys (prefixes only)')).action(async (o: ClientFlags) => {
    const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/api-keys')) as { data: KeyData[] };
    for (const k of res.data) {
      const state = k.revoked_at ? `revoked ${k.revoked_at}` : `live, last used ${k.last_used_at ?? 'never'}`;
      print(`${k.id}  ${k.prefix}…  ${k.name}  ${k.role}  ${state}`);
    }
  });
  clientOptions(keys.command('revoke <id>').description('revoke a key by id or prefix (the key in use too: it stops working at once)')).action(
    async (id: string, o: ClientFlags) => {
      const res = (await callApi(client(loadConfig(), o), 'DELETE', `/v1/api-keys/${encodeURIComponent(id)}`)) as { data: KeyData };
      print(`revoked ${res.data.id} (${res.data.prefix}…)`);
    },
  );
}
