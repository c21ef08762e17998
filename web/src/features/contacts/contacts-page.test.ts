import { describe, expect, it } from 'vitest';
import { contactSearch } from './contacts-page';

describe('contactSearch', () => {
  it.each([
    ['', null],
    ['  ', null],
    ['ct_01abc', { open: 'ct_01abc' }],
    ['ada@example.com', { q: 'ada@example.com' }],
    [' cust-42 ', { q: 'cust-42' }],
    ['+44 20', { q: '+44 20' }],
  ])('%j → %j', (q, expected) => {
    expect(contactSearch(q)).toEqual(expected);
  });
});
