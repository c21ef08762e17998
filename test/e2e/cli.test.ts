/**
 * The `nudge` CLI as a person runs it: migrate, workspaces, API keys (create, list, revoke), and the
 * client commands against a running server (events send, flows list), including their errors.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createSecretBox, readSecrets } from '../../src/engine/secrets.js';
import { createStore } from '../../src/store/create-store.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';
import { call, NUDGE_SCRIPT, nudgeCommand, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';

const SECRET_KEY = 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE=';
const REPO = join(NUDGE_SCRIPT, '..');

describe('nudge CLI', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nudge-cli-'));
    env = { NUDGE_DATA_DIR: dir };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('migrates, then reports the database up to date', async () => {
    const first = await nudgeCommand(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`applied: ${sqliteMigrations.map((m) => m.name).join(', ')}\n`);
    expect(first.stdout).toMatch(/^applied: 001_initial, 002_secrets, /);
    const second = await nudgeCommand(['migrate'], env);
    expect(second.stdout).toBe('database is up to date\n');
  }, 60_000);

  it('creates a workspace with a key, lists and revokes keys', async () => {
    const created = await nudgeCommand(['workspaces', 'create', '--name', 'salon', '--plan', 'small', '--timezone', 'Europe/Paris'], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^workspace ws_\w+ \(salon, plan small, 1 live flow\)\nAPI key \(shown once\): nk_[\w-]{43}\n$/);
    const firstKey = /nk_[\w-]{43}/.exec(created.stdout)![0];

    const list = await nudgeCommand(['workspaces', 'list'], env);
    expect(list.stdout).toMatch(/ws_\w+ {2}salon {2}plan=small {2}flows<=1 {2}tz=Europe\/Paris/);

    const second = await nudgeCommand(['keys', 'create', '--workspace', 'salon', '--name', 'ci'], env);
    expect(second.stdout).toMatch(/^key_\w+ {2}nk_\S+… {2}ci\nAPI key \(shown once\): nk_/);
    const keyId = /^(key_\w+)/.exec(second.stdout)![1]!;

    const keys = await nudgeCommand(['keys', 'list', '--workspace', 'salon'], env);
    expect(keys.stdout.trim().split('\n')).toHaveLength(2);
    expect(keys.stdout).not.toContain(firstKey); // only prefixes are shown

    const revoked = await nudgeCommand(['keys', 'revoke', keyId], env);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked ${keyId}`));
    expect((await nudgeCommand(['keys', 'list'], env)).stdout).toMatch(new RegExp(`${keyId} .* revoked \\d{4}-`));

    const unknown = await nudgeCommand(['keys', 'create', '--workspace', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: workspace nope not found\n');
  }, 180_000);

  describe('client commands against a server', () => {
    let server: NudgeProcess;
    let key: string;
    let client: Record<string, string>;
    let serveDir: string;

    /** The secrets the server stored for its workspace, decrypted. */
    async function storedSecrets(): Promise<Record<string, string>> {
      const workspaceId = (await call(server.url!, key, 'GET', '/v1/workspace')).body.data.id as string;
      const store = await createStore({ databaseUrl: null, dataDir: serveDir });
      try {
        return await readSecrets(store.db, createSecretBox(Buffer.from(SECRET_KEY, 'base64')), workspaceId);
      } finally {
        await store.close();
      }
    }

    beforeAll(async () => {
      serveDir = await mkdtemp(join(tmpdir(), 'nudge-cli-serve-'));
      server = await startNudge('serve', { NUDGE_DATA_DIR: serveDir, NUDGE_SECRET_KEY: SECRET_KEY });
      key = server.apiKey!;
      client = { NUDGE_URL: server.url!, NUDGE_API_KEY: key };
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('sends an event from an argument and from a file', async () => {
      const sent = await nudgeCommand(['events', 'send', JSON.stringify({ name: 'order.paid', contact: { email: 'ada@example.com' } })], client);
      expect(sent.stderr).toBe('');
      expect(JSON.parse(sent.stdout).data).toMatchObject({ duplicate: false, sessions_started: [] });
      const file = join(tmpdir(), `nudge-event-${process.pid}.yaml`);
      await writeFile(file, 'events:\n  - name: order.paid\n    contact: { email: bob@example.com }\n');
      const batch = await nudgeCommand(['events', 'send', '--file', file], client);
      expect(JSON.parse(batch.stdout).data).toHaveLength(1);
      const contacts = await call(server.url!, key, 'GET', '/v1/contacts');
      expect(contacts.body.data.map((c: { email: string }) => c.email).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    }, 90_000);

    it('reports an invalid event with the bad field, and an unreachable server', async () => {
      const bad = await nudgeCommand(['events', 'send', JSON.stringify({ name: 'x', contact: { email: 'not-an-email' } })], client);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: contact\.email: .+ \(at contact\.email\)\n$/);
      const down = await nudgeCommand(['flows', 'list'], { NUDGE_URL: 'http://127.0.0.1:1', NUDGE_API_KEY: key });
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/^error: cannot reach Nudge at http:\/\/127\.0\.0\.1:1 .*is `\.\/nudge serve` running\?/);
      const noKey = await nudgeCommand(['flows', 'list'], { NUDGE_URL: server.url!, NUDGE_API_KEY: '' });
      expect(noKey.stderr).toBe('error: no API key: pass --key or set NUDGE_API_KEY\n');
    }, 30_000);

    it('prints a setup link on the first start, and makes accounts from the CLI that can sign in', async () => {
      expect(server.setupUrl).toMatch(new RegExp(`^${server.url}/setup\\?token=[\\w-]{43}$`));
      const token = new URL(server.setupUrl!).searchParams.get('token')!;
      const invite = await fetch(`${server.url}/v1/auth/invites/${token}`);
      expect(((await invite.json()) as { data: unknown }).data).toMatchObject({ kind: 'setup', role: 'owner', workspace_name: 'default' });

      const created = await nudgeCommand(['users', 'create', '--email', 'Ada@Example.com', '--name', 'Ada', '--role', 'staff'], { NUDGE_DATA_DIR: serveDir }, { stdin: 'a long enough password\n' });
      expect(created.stderr).toBe('');
      expect(created.stdout).toMatch(/^us_\w+ {2}ada@example\.com {2}staff {2}\(workspace default\)\n$/);
      const signIn = await fetch(`${server.url}/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', password: 'a long enough password' }) });
      expect(signIn.status).toBe(200);
      const again = await nudgeCommand(['users', 'create', '--email', 'ada@example.com', '--name', 'Ada'], { NUDGE_DATA_DIR: serveDir }, { stdin: 'a long enough password\n' });
      expect(again.stderr).toBe('error: ada@example.com already has an account (at email)\n');
      const short = await nudgeCommand(['users', 'create', '--email', 'bo@example.com', '--name', 'Bo'], { NUDGE_DATA_DIR: serveDir }, { stdin: 'short\n' });
      expect(short.stderr).toBe('error: password: use at least 10 characters (at password)\n');

      const link = await nudgeCommand(['users', 'setup-link'], { NUDGE_DATA_DIR: serveDir, NUDGE_PUBLIC_URL: 'https://nudge.example.com/' });
      expect(link.stdout).toMatch(/^https:\/\/nudge\.example\.com\/setup\?token=[\w-]{43}\n$/);
      const listed = await nudgeCommand(['users', 'list'], { NUDGE_DATA_DIR: serveDir });
      expect(listed.stdout).toMatch(/^us_\w+ {2}ada@example\.com {2}staff\n$/);
    }, 120_000);

    it('shows and changes the workspace’s settings', async () => {
      const shown = await nudgeCommand(['workspace', 'show'], client);
      expect(shown.stderr).toBe('');
      expect(shown.stdout).toMatch(/^id {8}ws_\w+\nname {6}default\nplan {6}unlimited \(any number of live flows\)\ntimezone {2}UTC\n/);
      const set = await nudgeCommand(['workspace', 'set', '--timezone', 'Europe/Paris', '--flow-limit', '12', '--country', 'fr', '--sender', 'Salon <hi@example.com>'], client);
      expect(set.stderr).toBe('');
      expect(set.stdout).toContain('plan      custom (12 live flows)\ntimezone  Europe/Paris\nsender    Salon <hi@example.com>\ncountry   FR\n');
      const back = await nudgeCommand(['workspace', 'set', '--flow-limit', 'none', '--sender', 'none'], client);
      expect(back.stdout).toContain('plan      unlimited (any number of live flows)\ntimezone  Europe/Paris\nsender    (default)\n');
      const bad = await nudgeCommand(['workspace', 'set', '--timezone', 'Mars/Base'], client);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('error: timezone: unknown IANA timezone (at timezone)\n');
      const nothing = await nudgeCommand(['workspace', 'set'], client);
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toMatch(/^error: give at least one setting/);
    }, 150_000);

    it('sets retention, and exports and erases contacts through the API', async () => {
      const set = await nudgeCommand(['workspace', 'set', '--retention-events-days', '30', '--retention-outbox-days', 'none'], client);
      expect(set.stderr).toBe('');
      expect(set.stdout).toContain('retention events 30 days, deliveries forever, outbox forever\n');
      const zero = await nudgeCommand(['workspace', 'set', '--retention-deliveries-days', '0'], client);
      expect(zero.code).toBe(1);
      expect(zero.stderr).toMatch(/^error: retention_deliveries_days: .* \(at retention_deliveries_days\)\n$/);
      const words = await nudgeCommand(['workspace', 'set', '--retention-events-days', 'ten'], client);
      expect(words.stderr).toBe('error: --retention-events-days ten: expected a whole number of days or none\n');

      const made = await call(server.url!, key, 'POST', '/v1/contacts', { external_id: 'cli-1', email: 'cli.person@example.com', name: '=Cli Person' });
      expect(made.status).toBe(200);
      const json = await nudgeCommand(['contacts', 'export', 'cli-1'], client);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout)).toMatchObject({ contact: { external_id: 'cli-1', email: 'cli.person@example.com' }, events: [], sessions: [] });
      const out = join(serveDir, 'contacts.csv');
      const csv = await nudgeCommand(['contacts', 'export', '--csv', '--out', out], client);
      expect(csv.stdout).toBe(`wrote ${out}\n`);
      const text = await readFile(out, 'utf8');
      expect(text.startsWith('\uFEFFid,external_id,email,phone,name,')).toBe(true);
      expect(text).toContain(`,cli-1,cli.person@example.com,,'=Cli Person,`);
      const both = await nudgeCommand(['contacts', 'export', 'cli-1', '--csv'], client);
      expect(both.stderr).toBe('error: give a contact id (JSON of one contact) or --csv (every contact), not both\n');

      const unconfirmed = await nudgeCommand(['contacts', 'erase', 'cli-1'], client);
      expect(unconfirmed.code).toBe(1);
      expect(unconfirmed.stderr).toBe('error: erasing cli-1 cannot be undone; run again with --yes to erase it\n');
      const erased = await nudgeCommand(['contacts', 'erase', 'cli-1', '--yes'], client);
      expect(erased.stderr).toBe('');
      expect(erased.stdout).toMatch(/^erased ct_\w+ at \S+; sessions stopped: 0; rows overwritten: contacts 1, events 0, /);
      const id = /(ct_\w+)/.exec(erased.stdout)![1]!;
      const again = await nudgeCommand(['contacts', 'erase', id, '--yes'], client);
      expect(again.stdout).toMatch(new RegExp(`^${id} was already erased at \\S+; nothing changed\n$`));
      expect((await nudgeCommand(['contacts', 'erase', 'cli-1', '--yes'], client)).stderr).toBe('error: contact cli-1 not found\n');
    }, 150_000);

    it('creates, lists and revokes the workspace’s API keys through the API', async () => {
      // An owner key: only owners manage keys, and this one revokes itself below.
      const created = await nudgeCommand(['api-keys', 'create', '--name', 'ci', '--role', 'owner'], client);
      expect(created.stderr).toBe('');
      expect(created.stdout).toMatch(/^key_\w+ {2}nk_\S+… {2}ci {2}owner\nAPI key \(shown once\): nk_[\w-]{43}\n$/);
      const newKey = /nk_[\w-]{43}/.exec(created.stdout)![0];
      const keyId = /^(key_\w+)/.exec(created.stdout)![1]!;
      const list = await nudgeCommand(['api-keys', 'list'], client);
      expect(list.stdout).toMatch(new RegExp(`${keyId} {2}nk_\\S+… {2}ci {2}owner {2}live, last used never`));
      expect(list.stdout).not.toContain(newKey);
      const revoked = await nudgeCommand(['api-keys', 'revoke', keyId], { ...client, NUDGE_API_KEY: newKey });
      expect(revoked.stdout).toBe(`revoked ${keyId} (${newKey.slice(0, 10)}…)\n`);
      const after = await nudgeCommand(['api-keys', 'list'], { ...client, NUDGE_API_KEY: newKey });
      expect(after.code).toBe(1);
      expect(after.stderr).toBe('error: invalid or revoked API key\n');
    }, 120_000);

    it('creates, lists, rotates and deletes sources through the API', async () => {
      const created = await nudgeCommand(['sources', 'create', '--kind', 'calcom', '--name', 'Cal.com bookings'], client);
      expect(created.stderr).toBe('');
      expect(created.stdout).toMatch(/^so_\w+ {2}calcom {2}Cal\.com bookings\n {2}URL: {4}http:\/\/\S+\/hooks\/[\w-]{43}\n {2}secret: [\w-]{43} /);
      const id = /^(so_\w+)/.exec(created.stdout)![1]!;
      const url = /URL: {4}(\S+)/.exec(created.stdout)![1]!;
      const secret = /secret: (\S+)/.exec(created.stdout)![1]!;
      const listed = await nudgeCommand(['sources', 'list'], client);
      expect(listed.stdout).toContain(`${id}  calcom  Cal.com bookings\n  URL:    ${url}\n  last:   nothing received yet\n`);
      expect(listed.stdout).not.toContain(secret);
      const rotated = await nudgeCommand(['sources', 'rotate', id], client);
      expect(rotated.stdout).toContain(`  URL:    ${url}\n  secret: `);
      expect(rotated.stdout).not.toContain(secret);
      const bad = await nudgeCommand(['sources', 'create', '--kind', 'mindbody', '--name', 'x'], client);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe('error: kind: expected one of: calcom, calendly, shopify, acuity, square, generic (at kind)\n');
      // Shopify issues the signing secret itself: the source needs it as a credential.
      const noCredentials = await nudgeCommand(['sources', 'create', '--kind', 'shopify', '--name', 'x'], client);
      expect(noCredentials.code).toBe(1);
      expect(noCredentials.stderr).toMatch(/^error: credentials: required/);
      expect((await nudgeCommand(['sources', 'delete', id], client)).stdout).toBe(`deleted ${id}\n`);
      expect((await nudgeCommand(['sources', 'list'], client)).stdout).toBe('');
    }, 120_000);

    it('sets a secret piped on standard input, keeping it out of the output', async () => {
      const res = await nudgeCommand(['secrets', 'set', 'PIPED_TOKEN'], client, { stdin: 'piped-value-1\n' });
      expect(res.stderr).toBe('');
      expect(res.stdout).toMatch(/^set PIPED_TOKEN \(\d{4}-/);
      expect((await storedSecrets()).PIPED_TOKEN).toBe('piped-value-1');
      const badName = await nudgeCommand(['secrets', 'set', 'lower'], client, { stdin: 'x' });
      expect(badName.code).toBe(1);
      expect(badName.stderr).toMatch(/^error: name: expected upper-case letters/);
    }, 60_000);

    it('asks for a secret without echo on a terminal', async () => {
      // `script` gives the command a pseudo-terminal, as a person's shell would.
      const proc = spawn('script', ['-qec', `${NUDGE_SCRIPT} secrets set TTY_TOKEN`, '/dev/null'], {
        cwd: REPO,
        env: { ...process.env, ...client, NUDGE_LOG_LEVEL: 'warn' },
      });
      let out = '';
      let typed = false;
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!typed && out.includes('Value of TTY_TOKEN')) {
          typed = true;
          proc.stdin.write('typed-value-2\r');
        }
      });
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      expect(code, out).toBe(0);
      expect(out).toMatch(/set TTY_TOKEN \(\d{4}-/);
      expect(out).not.toContain('typed-value-2');
      expect((await storedSecrets()).TTY_TOKEN).toBe('typed-value-2');
    }, 30_000);

    it('rejects an invalid flow file naming the file and the field', async () => {
      const file = join(tmpdir(), `nudge-flow-${process.pid}.yaml`);
      await writeFile(file, 'name: bad\ntrigger: { event: x }\nsteps:\n  - wait: { until: "appointment.begin - 2h" }\n');
      const res = await nudgeCommand(['flows', 'apply', file], client);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`error: ${file}: steps[0].wait.until: unknown anchor "begin"\n`);
    }, 30_000);
  });

  describe('the documented command form', () => {
    it('runs as ./nudge from any directory, paths and ./data relative to where it is run', async () => {
      const elsewhere = await mkdtemp(join(tmpdir(), 'nudge-cwd-'));
      try {
        const res = await nudgeCommand(['migrate'], {}, { cwd: elsewhere });
        expect(res.stderr).toBe('');
        expect(res.stdout).toMatch(/^applied: 001_initial/);
        expect(await readdir(join(elsewhere, 'data'))).toContain('nudge.db');
      } finally {
        await rm(elsewhere, { recursive: true, force: true });
      }
    }, 30_000);

    it('every `./nudge` command in README and docs exists, and none is written another way', async () => {
      const files = ['README.md', ...(await mdFiles(join(REPO, 'docs'))).map((f) => f.slice(REPO.length + 1))];
      const commands = new Set<string>();
      for (const file of files) {
        const text = await readFile(join(REPO, file), 'utf8');
        expect(text, `${file} should write the CLI as ./nudge`).not.toMatch(/npm run nudge|(^|[^./\w-])nudge (serve|worker|migrate|backup|workspaces?|keys|flows|presets|secrets|events)\b/m);
        for (const m of text.matchAll(/\.\/nudge((?: [a-z][a-z-]*){0,2})/g)) commands.add(m[1]!.trim());
      }
      expect(commands.size).toBeGreaterThan(5);
      for (const command of commands) {
        const res = await nudgeCommand([...command.split(' ').filter(Boolean), '--help'], {});
        expect(res.code, `./nudge ${command} --help: ${res.stderr}`).toBe(0);
        expect(res.stderr, `./nudge ${command}`).toBe('');
      }
    }, 300_000);
  });
});

async function mdFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await mdFiles(path)));
    else if (entry.name.endsWith('.md')) out.push(path);
  }
  return out;
}
