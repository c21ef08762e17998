/**
 * `nudge contacts export|erase`: a contact's data rights through the API. `export <id>` prints (or
 * writes) everything the API shows about one contact as JSON; `export --csv` streams every contact
 * of the workspace as CSV; `erase <id> --yes` erases one contact, irreversibly.
 */
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { NudgeError } from '../core/errors.js';
import { callApi, openApiDownload } from './api-client.js';
import { client, clientOptions, print, type ClientFlags } from './client-options.js';

interface ExportFlags extends ClientFlags {
  csv?: boolean;
  out?: string;
}

interface ErasureData {
  contact_id: string;
  erased_now: boolean;
  erased_at: string;
  sessions_stopped: number;
  counts: Record<string, number>;
}

/** Where output goes: the file named by --out, else standard output (left open). */
function destination(out: string | undefined): Writable {
  if (out) return createWriteStream(out);
  return new Writable({ write: (chunk, _enc, done) => void process.stdout.write(chunk, () => done()) });
}

async function exportContacts(id: string | undefined, o: ExportFlags): Promise<void> {
  if (Boolean(id) === Boolean(o.csv)) {
    throw new NudgeError('invalid_arguments', 'give a contact id (JSON of one contact) or --csv (every contact), not both', { status: 400 });
  }
  const options = client(loadConfig(), o);
  if (o.csv) {
    const response = await openApiDownload(options, '/v1/contacts.csv');
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), destination(o.out));
  } else {
    const res = (await callApi(options, 'GET', `/v1/contacts/${encodeURIComponent(id!)}/export`)) as { data: unknown };
    await pipeline(Readable.from([`${JSON.stringify(res.data, null, 2)}\n`]), destination(o.out));
  }
  if (o.out) print(`wrote ${o.out}`);
}

export function registerContactCommands(program: Command): void {
  const contacts = program.command('contacts').description('contacts’ data rights: export and erasure (talks to the API; owner or admin key)');
  clientOptions(
    contacts
      .command('export [id]')
      .option('--csv', 'every contact of the workspace as CSV (UTF-8 with BOM) instead of one contact as JSON')
      .option('--out <file>', 'write to this file instead of standard output')
      .description('export one contact (Nudge id or external id) with its events, appointments, sessions, deliveries and emails as JSON, or every contact as CSV'),
  ).action(exportContacts);
  clientOptions(
    contacts
      .command('erase <id>')
      .option('--yes', 'confirm: erasure cannot be undone')
      .description('erase a contact: stop its sessions and remove its personal data everywhere, keeping counts (irreversible)'),
  ).action(async (id: string, o: ClientFlags & { yes?: boolean }) => {
    if (!o.yes) throw new NudgeError('confirmation_required', `erasing ${id} cannot be undone; run again with --yes to erase it`, { status: 400 });
    const res = (await callApi(client(loadConfig(), o), 'POST', `/v1/contacts/${encodeURIComponent(id)}/erase`)) as { data: ErasureData };
    const d = res.data;
    if (!d.erased_now) {
      print(`${d.contact_id} was already erased at ${d.erased_at}; nothing changed`);
      return;
    }
    const counts = Object.entries(d.counts).map(([table, n]) => `${table} ${n}`).join(', ');
    print(`erased ${d.contact_id} at ${d.erased_at}; sessions stopped: ${d.sessions_stopped}; rows overwritten: ${counts}`);
  });
}
