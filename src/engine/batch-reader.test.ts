import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { BatchReader } from './batch-reader.js';

interface Row {
  id: string;
  n: number;
}

describe('BatchReader', () => {
  it('answers every get of one turn with one load, each with its own row or undefined', async () => {
    const loads: string[][] = [];
    const reader = new BatchReader<Row>(
      async (ids) => {
        loads.push([...ids]);
        return ids.filter((id) => id !== 'missing').map((id) => ({ id, n: Number(id.slice(1)) }));
      },
      (r) => r.id,
    );
    const results = await Promise.all([reader.get('a1'), reader.get('a2'), reader.get('a1'), reader.get('missing')]);
    expect(results).toEqual([{ id: 'a1', n: 1 }, { id: 'a2', n: 2 }, { id: 'a1', n: 1 }, undefined]);
    expect(loads).toEqual([['a1', 'a2', 'missing']]);
    // A later turn reads afresh.
    await reader.get('a1');
    expect(loads).toHaveLength(2);
  });

  it('splits a turn into loads of at most maxBatch ids, and a failed load fails only its own gets', async () => {
    const loads: string[][] = [];
    const reader = new BatchReader<Row>(
      async (ids) => {
        loads.push([...ids]);
        if (ids.includes('bad')) throw new Error('read failed');
        return ids.map((id) => ({ id, n: 0 }));
      },
      (r) => r.id,
      2,
    );
    const results = await Promise.allSettled(['x', 'y', 'bad', 'z'].map((id) => reader.get(id)));
    expect(loads).toEqual([['x', 'y'], ['bad', 'z']]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('loads in the async context it was made in, not in the first caller\'s (a transaction\'s, say)', async () => {
    const scope = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const reader = new BatchReader<Row>(
      async (ids) => {
        seen.push(scope.getStore());
        return ids.map((id) => ({ id, n: 1 }));
      },
      (r) => r.id,
    );
    await scope.run('inside a transaction', () => reader.get('a'));
    expect(seen).toEqual([undefined]);
  });
});
