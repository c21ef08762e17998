#!/usr/bin/env node
/**
 * `nudge`: serve, worker, migrate, backup, workspaces, keys, users, workspace, api-keys, sources, contacts, flows, presets, secrets, events.
 * Commands parse flags, call the library and release what they opened in `finally`. The database
 * and the server are imported when a command needs them, so that `--help` and the API client
 * commands start without loading them.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { loadConfig, type Config } from '../config.js';
import { NudgeError } from '../core/errors.js';
import { checkSecret } from '../engine/secrets.js';
import { describeLimit } from '../core/workspace-plan.js';
import type { Store } from '../store/store.js';
import { callApi } from './api-client.js';
import { client, clientOptions, print, type ClientFlags } from './client-options.js';
import { parseFlowLimit, registerWorkspaceCommands } from './workspace-commands.js';
import { registerApiKeyCommands } from './api-key-commands.js';
import { registerSourceCommands } from './source-commands.js';
import { registerContactCommands } from './contact-commands.js';
import { registerUserCommands } from './user-commands.js';
import { readSecretValue } from './secret-input.js';

const program = new Command();
program
  .name('nudge')
  .description('Nudge: a self-hosted engine for customer-journey flows')
  .showHelpAfterError();

program
  .command('serve')
  .description('run the HTTP API and a worker in one process (creates a default workspace on first start)')
  .action(async () => (await import('./run.js')).runServe(loadConfig()));

program
  .command('worker')
  .description('run a worker only: claims due timers and runs sessions (scale out with several on PostgreSQL)')
  .action(async () => (await import('./run.js')).runWorker(loadConfig()));

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () =>
    withStore(loadConfig(), async (store) => {
      const applied = await store.migrate();
      print(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    }),
  );

program
  .command('backup <file>')
  .option('--force', 'replace <file> if it exists')
  .description('copy the SQLite database to <file>, consistently, while Nudge runs (PostgreSQL: use pg_dump)')
  .action(async (file: string, o: { force?: boolean }) => {
    const { backupDatabase } = await import('./backup.js');
    const done = backupDatabase(loadConfig(), file, { force: o.force === true });
    print(`backed up ${done.source} to ${done.target} (${done.bytes} bytes, integrity ok)`);
    print(`workspace secrets in it are encrypted with ${done.secretKey}: keep a copy of that key too, apart from the backup`);
  });

const workspaces = program.command('workspaces').description('manage workspaces');
workspaces
  .command('create')
  .requiredOption('--name <name>', 'workspace name')
  .option('--plan <plan>', 'unlimited (default), small (1 live flow), pro (6), advanced (9), custom')
  .option('--flow-limit <n>', 'most live flows (plan becomes custom), or none')
  .option('--timezone <zone>', 'default IANA timezone', 'UTC')
  .option('--sender <email>', 'default sender for emails')
  .description('create a workspace and its first API key')
  .action(async (o: { name: string; plan?: string; flowLimit?: string; timezone: string; sender?: string }) =>
    withStore(loadConfig(), async (store) => {
      const { createApiKey, createWorkspace } = await import('../store/repositories/workspaces.js');
      await store.migrate();
      const now = Date.now();
      const { workspace, key } = await store.transaction(async (trx) => {
        const workspace = await createWorkspace(
          trx,
          {
            name: o.name,
            plan: o.plan,
            flowLimit: parseFlowLimit(o.flowLimit),
            timezone: o.timezone,
            senderEmail: o.sender ?? null,
          },
          now,
        );
        const created = await createApiKey(trx, workspace.id, 'default', now);
        return { workspace, key: created.key };
      });
      print(`workspace ${workspace.id} (${workspace.name}, plan ${workspace.plan}, ${describeLimit(workspace.flow_limit)})`);
      print(`API key (shown once): ${key}`);
    }),
  );
workspaces
  .command('list')
  .description('list workspaces')
  .action(async () =>
    withStore(loadConfig(), async (store) => {
      const { listWorkspaces } = await import('../store/repositories/workspaces.js');
      await store.migrate();
      for (const w of await listWorkspaces(store.db)) print(`${w.id}  ${w.name}  plan=${w.plan}  flows<=${w.flow_limit ?? 'any'}  tz=${w.timezone}`);
    }),
  );

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .requiredOption('--workspace <id|name>', 'workspace')
  .option('--name <name>', 'a label for the key', 'cli')
  .description('create an API key (printed once)')
  .action(async (o: { workspace: string; name: string }) =>
    withStore(loadConfig(), async (store) => {
      const { createApiKey, findWorkspace } = await import('../store/repositories/workspaces.js');
      await store.migrate();
      const ws = await findWorkspace(store.db, o.workspace);
      if (!ws) throw new NudgeError('not_found', `workspace ${o.workspace} not found`, { status: 404 });
      const { key, row } = await createApiKey(store.db, ws.id, o.name, Date.now());
      print(`${row.id}  ${row.prefix}…  ${row.name}`);
      print(`API key (shown once): ${key}`);
    }),
  );
keys
  .command('list')
  .option('--workspace <id|name>', 'only this workspace')
  .description('list API keys (prefixes only)')
  .action(async (o: { workspace?: string }) =>
    withStore(loadConfig(), async (store) => {
      const { findWorkspace, listApiKeys } = await import('../store/repositories/workspaces.js');
      await store.migrate();
      const ws = o.workspace ? await findWorkspace(store.db, o.workspace) : undefined;
      if (o.workspace && !ws) throw new NudgeError('not_found', `workspace ${o.workspace} not found`, { status: 404 });
      for (const k of await listApiKeys(store.db, ws?.id)) {
        const state = k.revoked_at ? `revoked ${new Date(k.revoked_at).toISOString()}` : 'live';
        print(`${k.id}  ${k.prefix}…  ${k.name}  ${k.workspace_id}  ${state}`);
      }
    }),
  );
keys
  .command('revoke <id>')
  .description('revoke an API key by id or prefix')
  .action(async (id: string) =>
    withStore(loadConfig(), async (store) => {
      const { revokeApiKey } = await import('../store/repositories/workspaces.js');
      await store.migrate();
      const row = await revokeApiKey(store.db, id, Date.now());
      print(`revoked ${row.id} (${row.prefix}…)`);
    }),
  );

const flows = program.command('flows').description('flows as code');
clientOptions(
  flows
    .command('apply <files...>')
    .option('--draft', 'save without activating')
    .description('create or update flows from YAML or JSON files (matched by name), then activate them'),
).action(async (files: string[], o: ClientFlags & { draft?: boolean }) => {
  const config = loadConfig();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const body = file.endsWith('.json') ? { json: JSON.parse(text) as unknown } : { yaml: text };
    try {
      const res = (await callApi(client(config, o), 'POST', `/v1/flows/apply?activate=${o.draft ? 'false' : 'true'}`, body)) as {
        data: { action: string; flow: { id: string; name: string; status: string; version: number } };
      };
      const f = res.data.flow;
      print(`${file}: ${res.data.action} ${f.id} "${f.name}" v${f.version} (${f.status})`);
    } catch (error) {
      if (error instanceof NudgeError) throw new NudgeError(error.code, `${file}: ${error.message}`, { status: error.status });
      throw error;
    }
  }
});
clientOptions(flows.command('list').description('list flows')).action(async (o: ClientFlags) => {
  const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/flows')) as {
    data: Array<{ id: string; name: string; status: string; version: number }>;
  };
  for (const f of res.data) print(`${f.id}  ${f.status.padEnd(8)}  v${f.version}  ${f.name}`);
});

const presets = program.command('presets').description('ready flows with placeholders');
clientOptions(presets.command('list').description('list presets and their placeholders')).action(async (o: ClientFlags) => {
  const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/presets')) as {
    data: Array<{ id: string; name: string; placeholders: Array<{ name: string; secret: boolean }> }>;
  };
  for (const p of res.data) {
    const names = p.placeholders.map((x) => (x.secret ? `${x.name} (secret)` : x.name)).join(', ');
    print(`${p.id.padEnd(36)} ${p.name}${names ? `  [${names}]` : ''}`);
  }
});
clientOptions(
  presets
    .command('use <id>')
    .option('--set <NAME=value...>', 'fill a placeholder (repeatable)')
    .option('--name <name>', 'flow name (default: the preset’s)')
    .option('--activate', 'activate the flow at once')
    .description('make a flow from a preset'),
).action(async (id: string, o: ClientFlags & { set?: string[]; name?: string; activate?: boolean }) => {
  const placeholders: Record<string, string> = {};
  for (const pair of o.set ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new NudgeError('invalid_placeholder', `--set ${pair}: expected NAME=value`, { status: 400 });
    placeholders[pair.slice(0, i)] = pair.slice(i + 1);
  }
  const res = (await callApi(client(loadConfig(), o), 'POST', `/v1/presets/${encodeURIComponent(id)}/flows`, {
    json: { placeholders, ...(o.name ? { name: o.name } : {}), ...(o.activate ? { activate: true } : {}) },
  })) as { data: { flow: { id: string; name: string; status: string }; missing_placeholders: string[]; missing_secrets: string[] } };
  const d = res.data;
  print(`${d.flow.id} "${d.flow.name}" (${d.flow.status})`);
  if (d.missing_placeholders.length) print(`still to fill: ${d.missing_placeholders.join(', ')}`);
  if (d.missing_secrets.length) print(`secrets to set: ${d.missing_secrets.join(', ')} (./nudge secrets set NAME)`);
});

const secrets = program.command('secrets').description('workspace secrets (API keys of integrations), encrypted at rest');
clientOptions(
  secrets
    .command('set <name> [value]')
    .description('set a secret; without a value it is asked for without echo on a terminal, or read from standard input (keeps it out of shell history)'),
).action(async (name: string, value: string | undefined, o: ClientFlags) => {
  checkSecret({ name });
  const secret = value ?? (await readSecretValue(name));
  const res = (await callApi(client(loadConfig(), o), 'PUT', `/v1/secrets/${encodeURIComponent(name)}`, { json: { value: secret } })) as {
    data: { name: string; updated_at: string };
  };
  print(`set ${res.data.name} (${res.data.updated_at})`);
});
clientOptions(secrets.command('list').description('list secret names')).action(async (o: ClientFlags) => {
  const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/secrets')) as { data: Array<{ name: string; updated_at: string }> };
  for (const s of res.data) print(`${s.name}  ${s.updated_at}`);
});
clientOptions(secrets.command('delete <name>').description('delete a secret')).action(async (name: string, o: ClientFlags) => {
  await callApi(client(loadConfig(), o), 'DELETE', `/v1/secrets/${encodeURIComponent(name)}`);
  print(`deleted ${name}`);
});

registerWorkspaceCommands(program);
registerApiKeyCommands(program);
registerSourceCommands(program);
registerContactCommands(program);
registerUserCommands(program, withStore);

const events = program.command('events').description('events');
clientOptions(
  events
    .command('send [json]')
    .option('--file <file>', 'read the event (or {"events":[…]}) from a JSON or YAML file')
    .description('send an event to a running server'),
).action(async (json: string | undefined, o: ClientFlags & { file?: string }) => {
  const text = o.file ? await readFile(o.file, 'utf8') : json;
  if (!text) throw new NudgeError('missing_event', 'give the event as an argument or with --file', { status: 400 });
  const body = (o.file && !o.file.endsWith('.json') ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
  const path = Array.isArray(body.events) ? '/v1/events/batch' : '/v1/events';
  const res = await callApi(client(loadConfig(), o), 'POST', path, { json: body });
  print(JSON.stringify(res, null, 2));
});

async function withStore(config: Readonly<Config>, fn: (store: Store) => Promise<void>): Promise<void> {
  const { createStore } = await import('../store/create-store.js');
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.dbSchema });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof NudgeError) {
    process.stderr.write(`error: ${error.message}${error.path ? ` (at ${error.path})` : ''}\n`);
  } else {
    process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
