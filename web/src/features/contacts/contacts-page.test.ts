import { describe, expect, it } from 'vitest';
import { contactSearch } from './contacts-page';

describe('contactSearch', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['ct_01abc', { open: 'ct_01abc' }],
    ['ada@example.com', { email: 'ada@example.com' }],
    [' cust-42 ', { external_id: 'cust-42' }],
  ])('%j → %j', (q, expected) => {
    expect(contactSearch(q)).toEqual(expected);
  });
});
