/** `nudge sources create|list|rotate|delete`: the API key's workspace's inbound sources, through the API (/v1/sources). */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { NudgeError } from '../core/errors.js';
import { callApi } from './api-client.js';
import { client, clientOptions, print, type ClientFlags } from './client-options.js';

interface SourceData {
  id: string;
  kind: string;
  name: string;
  url: string;
  secret?: string;
  last_delivery: { received_at: string; outcome: string; status_code: number } | null;
}

async function readConfigFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new NudgeError('invalid_config_file', `cannot read ${path} as JSON: ${(error as Error).message}`, { status: 400 });
  }
}

/** Collects repeated `--credential key=value` into `{ key: value }`. */
function collectCredential(pair: string, into: Record<string, string>): Record<string, string> {
  const at = pair.indexOf('=');
  if (at < 1) throw new NudgeError('invalid_credential', `expected --credential key=value, got ${pair}`, { status: 400 });
  return { ...into, [pair.slice(0, at)]: pair.slice(at + 1) };
}

const CREDENTIAL_HELP = 'a vendor-issued secret, repeatable: shopify secret=…; acuity user_id=… api_key=…; square signature_key=… [access_token=…]';

function printSource(s: SourceData): void {
  print(`${s.id}  ${s.kind}  ${s.name}`);
  print(`  URL:    ${s.url}`);
  if (s.secret) print(`  secret: ${s.secret}  (shown once; paste it into the vendor's webhook settings)`);
}

export function registerSourceCommands(program: Command): void {
  const sources = program.command('sources').description('inbound sources: URLs that take Cal.com, Calendly, Shopify, Acuity, Square or generic webhooks (talks to the API)');
  clientOptions(
    sources
      .command('create')
      .requiredOption('--kind <kind>', 'calcom, calendly, shopify, acuity, square or generic')
      .requiredOption('--name <name>', 'a label for the source')
      .option('--config <file>', 'JSON file with the generic source’s { verification, mapping } or Shopify’s { properties } (see docs/sources.md)')
      .option('--credential <key=value>', CREDENTIAL_HELP, collectCredential, {})
      .description('create a source; prints its URL and signing secret (the secret only this once)'),
  ).action(async (o: ClientFlags & { kind: string; name: string; config?: string; credential: Record<string, string> }) => {
    const credentials = Object.keys(o.credential).length > 0 ? { credentials: o.credential } : {};
    const json = { kind: o.kind, name: o.name, ...(o.config ? { config: await readConfigFile(o.config) } : {}), ...credentials };
    const res = (await callApi(client(loadConfig(), o), 'POST', '/v1/sources', { json })) as { data: SourceData };
    printSource(res.data);
  });
  clientOptions(sources.command('list').description('list sources with their URLs and last delivery')).action(async (o: ClientFlags) => {
    const res = (await callApi(client(loadConfig(), o), 'GET', '/v1/sources')) as { data: SourceData[] };
    for (const s of res.data) {
      printSource(s);
      const last = s.last_delivery;
      print(`  last:   ${last ? `${last.received_at} ${last.outcome} (${last.status_code})` : 'nothing received yet'}`);
    }
  });
  clientOptions(
    sources
      .command('rotate <id>')
      .option('--new-url', 'also give the source a new URL (the old one stops working)')
      .option('--credential <key=value>', `${CREDENTIAL_HELP} (the new ones, after rotating them at the vendor)`, collectCredential, {})
      .description('make a new signing secret (printed once), or store the vendor’s new credentials'),
  ).action(async (id: string, o: ClientFlags & { newUrl?: boolean; credential: Record<string, string> }) => {
    const credentials = Object.keys(o.credential).length > 0 ? { credentials: o.credential } : {};
    const json = { url: o.newUrl === true, ...credentials };
    const res = (await callApi(client(loadConfig(), o), 'POST', `/v1/sources/${encodeURIComponent(id)}/rotate`, { json })) as { data: SourceData };
    printSource(res.data);
  });
  clientOptions(sources.command('delete <id>').description('delete a source: its URL stops working')).action(async (id: string, o: ClientFlags) => {
    await callApi(client(loadConfig(), o), 'DELETE', `/v1/sources/${encodeURIComponent(id)}`);
    print(`deleted ${id}`);
  });
}
