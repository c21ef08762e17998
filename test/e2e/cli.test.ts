/**
 * The `nudge` CLI as a person runs it: migrate, workspaces, API keys (create, list, revoke), and the
 * client commands against a running server (events send, flows list), including their errors.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, nudgeCommand, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';

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
    expect(first.stdout).toBe('applied: 001_initial, 002_secrets, 003_drop_timers_session_index, 004_workspace_country, 005_skips\n');
    const second = await nudgeCommand(['migrate'], env);
    expect(second.stdout).toBe('database is up to date\n');
  }, 30_000);

  it('creates a workspace with a key, lists and revokes keys', async () => {
    const created = await nudgeCommand(['workspaces', 'create', '--name', 'salon', '--plan', 'small', '--timezone', 'Europe/Paris'], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^workspace ws_\w+ \(salon, plan small, 1 flows\)\nAPI key \(shown once\): nk_[\w-]{43}\n$/);
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
  }, 60_000);

  describe('client commands against a server', () => {
    let server: NudgeProcess;
    let key: string;
    let client: Record<string, string>;

    beforeAll(async () => {
      const serveDir = await mkdtemp(join(tmpdir(), 'nudge-cli-serve-'));
      server = await startNudge('serve', { NUDGE_DATA_DIR: serveDir });
      key = server.apiKey!;
      client = { NUDGE_URL: server.url!, NUDGE_API_KEY: key };
    }, 30_000);
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
    }, 30_000);

    it('reports an invalid event with the bad field, and an unreachable server', async () => {
      const bad = await nudgeCommand(['events', 'send', JSON.stringify({ name: 'x', contact: { email: 'not-an-email' } })], client);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: contact\.email: .+ \(at contact\.email\)\n$/);
      const down = await nudgeCommand(['flows', 'list'], { NUDGE_URL: 'http://127.0.0.1:1', NUDGE_API_KEY: key });
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/^error: cannot reach Nudge at http:\/\/127\.0\.0\.1:1 .*is `nudge serve` running\?/);
      const noKey = await nudgeCommand(['flows', 'list'], { NUDGE_URL: server.url!, NUDGE_API_KEY: '' });
      expect(noKey.stderr).toBe('error: no API key: pass --key or set NUDGE_API_KEY\n');
    }, 30_000);

    it('rejects an invalid flow file naming the file and the field', async () => {
      const file = join(tmpdir(), `nudge-flow-${process.pid}.yaml`);
      await writeFile(file, 'name: bad\ntrigger: { event: x }\nsteps:\n  - wait: { until: "appointment.begin - 2h" }\n');
      const res = await nudgeCommand(['flows', 'apply', file], client);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`error: ${file}: steps[0].wait.until: unknown anchor "begin"\n`);
    }, 30_000);
  });
});
