import { describe, expect, it } from 'vitest';
import { keysForChange, queryKeys } from './query-keys';

describe('query keys', () => {
  it('nests lists and details under their resource, so invalidating the resource refreshes both', () => {
    const all = queryKeys.sessions.all();
    expect(queryKeys.sessions.list({ status: 'failed' }).slice(0, all.length)).toEqual(all);
    expect(queryKeys.sessions.detail('ss_1').slice(0, all.length)).toEqual(all);
  });

  it('maps every kind the change stream sends to keys', () => {
    for (const kind of ['sessions', 'deliveries', 'flows']) expect(keysForChange[kind]?.length).toBeGreaterThan(0);
  });
});
