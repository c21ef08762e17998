/**
 * Group commit on both stores: units that queue behind a running commit share the next
 * transaction; a failing unit rolls back only itself (after the group is re-run unit by unit).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/engine/group-commit.js';
import type { Store } from '../../src/store/store.js';
import type { Work } from '../../src/store/unit-of-work.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

describe.each(testDialects())('group commit on %s', (dialect) => {
  let ts: TestStore;
  let transactions: number;
  let store: Pick<Store, 'transaction'>;

  beforeEach(async () => {
    ts = await createTestStore(dialect);
    transactions = 0;
    // Counts the store's real transactions.
    store = {
      transaction: (fn) => {
        transactions++;
        return ts.store.transaction(fn);
      },
    };
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const workspace = (id: string) => ({ id, name: id, plan: 'small', flow_limit: 1, timezone: 'UTC', sender_email: null, country: null, created_at: 1 });

  async function names(): Promise<string[]> {
    const rows = await ts.store.db.selectFrom('workspaces').select('name').orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  it('commits units that arrive during a commit together, each getting its own result', async () => {
    const gc = new GroupCommitter(store);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gc.run(async ({ db: trx }) => {
          await trx.insertInto('workspaces').values(workspace(`w${String(i).padStart(2, '0')}`)).execute();
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(await names()).toHaveLength(20);
    // All asked in the same turn of the event loop: one transaction.
    expect(transactions).toBe(1);
    expect(gc.stats).toEqual({ transactions: 1, units: 20, fallbacks: 0 });
  });

  it('units that arrive while a commit runs share the next one', async () => {
    const gc = new GroupCommitter(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = gc.run(async ({ db: trx }) => {
      await trx.insertInto('workspaces').values(workspace('slow')).execute();
      await gate;
    });
    await new Promise((r) => setTimeout(r, 20)); // the first commit is now under way
    const later = Array.from({ length: 5 }, (_, i) => gc.run(async ({ db: trx }) => trx.insertInto('workspaces').values(workspace(`l${i}`)).execute()));
    release();
    await Promise.all([first, ...later]);
    expect(transactions).toBe(2);
    expect(await names()).toHaveLength(6);
  });

  it('a unit that throws fails alone: its writes are rolled back, the others commit', async () => {
    const gc = new GroupCommitter(store);
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'bad', 'c'].map((name) =>
        gc.run(async ({ db: trx }) => {
          await trx.insertInto('workspaces').values(workspace(name)).execute();
          if (name === 'bad') throw new Error('refused');
          return name;
        }),
      ),
    );
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['a', 'b', 'refused', 'c']);
    expect(await names()).toEqual(['a', 'b', 'c']);
    expect(gc.stats.fallbacks).toBe(1);
  });

  it('a unit that reads what an earlier unit of its group wrote sees it', async () => {
    const gc = new GroupCommitter(store);
    const [, seen] = await Promise.all([
      gc.run(async ({ db: trx }) => trx.insertInto('workspaces').values(workspace('first')).execute()),
      gc.run(async ({ db: trx }) => trx.insertInto('workspaces').values(workspace('second')).execute()),
      gc.run(async ({ db: trx }) => (await trx.selectFrom('workspaces').select('name').where('name', '=', 'second').executeTakeFirst())?.name),
    ]);
    expect(seen).toBeDefined();
    expect(await names()).toEqual(['first', 'second']);
  });

  it('caps a group at maxUnits', async () => {
    const gc = new GroupCommitter(store, 5);
    await Promise.all(Array.from({ length: 12 }, (_, i) => gc.run(async ({ db: trx }) => trx.insertInto('workspaces').values(workspace(`m${i}`)).execute())));
    // Groups of 5, 5 and 2.
    expect(transactions).toBe(3);
    expect(await names()).toHaveLength(12);
  });

  it('under load, a group waits delayMs for units of later turns; an idle committer does not wait', async () => {
    const insert = (name: string) => ({ db: trx }: Work) => trx.insertInto('workspaces').values(workspace(name)).execute();
    const turn = () => new Promise((r) => setImmediate(r));
    const pair = async (gc: GroupCommitter, a: string, b: string) => {
      const first = gc.run(insert(a));
      await turn();
      await turn();
      await Promise.all([first, gc.run(insert(b))]);
    };

    // Idle: a lone unit commits at the end of its turn, long before the delay would have ended.
    const delayed = new GroupCommitter(store, 256, 1, 1000);
    const alone = await Promise.race([delayed.run(async () => 'committed'), new Promise((r) => setTimeout(() => r('waited'), 900))]);
    expect(alone).toBe('committed');

    // Under load (the last group had two units) a unit two turns later still joins the group.
    await Promise.all([delayed.run(insert('d1')), delayed.run(insert('d2'))]);
    transactions = 0;
    await pair(delayed, 'd3', 'd4');
    expect(transactions).toBe(1);

    // Without a delay the same pair commits in two transactions.
    const prompt = new GroupCommitter(store, 256, 1, 0);
    await Promise.all([prompt.run(insert('p1')), prompt.run(insert('p2'))]);
    transactions = 0;
    await pair(prompt, 'p3', 'p4');
    expect(transactions).toBe(2);
    expect(await names()).toHaveLength(8);
  });
});
