import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateConditions, getPath, looseEquals, resolveTimeValue } from './conditions.js';
import type { Condition, ConditionOp } from './flow-definition.js';

const NOW = Date.parse('2026-06-10T12:00:00Z');

const context: Record<string, unknown> = {
  event: {
    name: 'appointment.created',
    items: [{ sku: 'A-1', qty: 2 }],
    tags: ['vip', 'new', 42],
    empty: '',
    nothing: null,
    paid: true,
  },
  appointment: {
    service_name: 'Haircut',
    price: '149',
    quantity: 3,
    start_at: Date.parse('2026-06-11T09:00:00Z'),
    start_iso: '2026-06-11T09:00:00Z',
  },
  contact: { email: 'ana@example.com', language: 'fr' },
};

describe('getPath', () => {
  it('reads dotted paths and array indexes', () => {
    expect(getPath(context, 'appointment.service_name')).toBe('Haircut');
    expect(getPath(context, 'event.items.0.sku')).toBe('A-1');
    expect(getPath(context, 'event.items.1.sku')).toBeUndefined();
    expect(getPath(context, 'event.items.x')).toBeUndefined();
    expect(getPath(context, 'contact.email.length')).toBeUndefined();
    expect(getPath(context, 'missing.deep.path')).toBeUndefined();
  });

  it('reads own properties only', () => {
    expect(getPath(context, 'contact.constructor')).toBeUndefined();
    expect(getPath(context, 'contact.__proto__')).toBeUndefined();
  });
});

describe('looseEquals', () => {
  it.each([
    ['149', 149, true],
    [149, '149', true],
    [1.5, ' 1.50', true],
    [true, 'true', true],
    ['false', false, true],
    ['Haircut', 'haircut', false],
    ['', 0, false],
    [0, '', false],
    [true, 1, false],
    [null, null, true],
    [{}, {}, false],
  ])('%j == %j is %s', (a, b, expected) => {
    expect(looseEquals(a, b)).toBe(expected);
  });
});

describe('evaluateCondition', () => {
  const cases: Array<[string, ConditionOp, unknown, boolean]> = [
    ['appointment.service_name', 'equals', 'Haircut', true],
    ['appointment.service_name', 'equals', 'haircut', false],
    ['appointment.price', 'equals', 149, true],
    ['appointment.quantity', 'equals', '3', true],
    ['event.paid', 'equals', 'true', true],
    ['appointment.service_name', 'not_equals', 'Massage', true],
    ['appointment.service_name', 'not_equals', 'Haircut', false],
    ['contact.language', 'in', ['en', 'fr'], true],
    ['contact.language', 'in', ['en', 'de'], false],
    ['appointment.quantity', 'in', ['1', '3'], true],
    ['contact.language', 'in', 'fr', false],
    ['contact.language', 'not_in', ['en', 'de'], true],
    ['contact.language', 'not_in', ['fr'], false],
    ['contact.email', 'contains', '@example.', true],
    ['contact.email', 'contains', 'EXAMPLE', false],
    ['event.tags', 'contains', 'vip', true],
    ['event.tags', 'contains', '42', true],
    ['event.tags', 'contains', 'vi', false],
    ['event.tags', 'not_contains', 'old', true],
    ['appointment.quantity', 'contains', 3, false],
    ['contact.email', 'exists', undefined, true],
    ['event.empty', 'exists', undefined, false],
    ['event.nothing', 'exists', undefined, false],
    ['event.empty', 'not_exists', undefined, true],
    ['contact.email', 'not_exists', undefined, false],
    ['appointment.price', 'gt', 100, true],
    ['appointment.price', 'gt', '149', false],
    ['appointment.price', 'gte', '149', true],
    ['appointment.quantity', 'lt', 4, true],
    ['appointment.quantity', 'lte', 2, false],
    ['appointment.service_name', 'gt', 1, false],
    ['appointment.quantity', 'gt', 'many', false],
    ['appointment.start_at', 'after', 'now', true],
    ['appointment.start_at', 'before', 'now+1d', true],
    ['appointment.start_at', 'before', 'now+20h', false],
    ['appointment.start_at', 'after', 'now+20h', true],
    ['appointment.start_iso', 'before', '2026-06-11T09:00:01Z', true],
    ['appointment.start_iso', 'before', '2026-06-11T09:00:00Z', false],
    ['appointment.start_iso', 'after', Date.parse('2026-06-01T00:00:00Z'), true],
    ['appointment.service_name', 'before', 'now', false],
    ['appointment.start_at', 'before', 'tomorrow', false],
    // A missing field: only the negative operators hold.
    ['appointment.missing', 'equals', 'x', false],
    ['appointment.missing', 'not_equals', 'x', true],
    ['appointment.missing', 'in', ['x'], false],
    ['appointment.missing', 'not_in', ['x'], true],
    ['appointment.missing', 'contains', 'x', false],
    ['appointment.missing', 'not_contains', 'x', true],
    ['appointment.missing', 'exists', undefined, false],
    ['appointment.missing', 'not_exists', undefined, true],
    ['appointment.missing', 'gt', 0, false],
    ['appointment.missing', 'lte', 0, false],
    ['appointment.missing', 'before', 'now', false],
    ['appointment.missing', 'after', 'now', false],
    ['event.nothing', 'not_equals', 'x', true],
    ['event.nothing', 'equals', 'x', false],
  ];

  it.each(cases)('%s %s %j → %s', (field, op, value, expected) => {
    const condition: Condition = value === undefined ? { field, op } : { field, op, value };
    expect(evaluateCondition(condition, context, NOW)).toBe(expected);
  });

  it('combines with all, any and not', () => {
    const vip: Condition = { field: 'event.tags', op: 'contains', value: 'vip' };
    const french: Condition = { field: 'contact.language', op: 'equals', value: 'fr' };
    const english: Condition = { field: 'contact.language', op: 'equals', value: 'en' };
    expect(evaluateCondition({ all: [vip, french] }, context, NOW)).toBe(true);
    expect(evaluateCondition({ all: [vip, english] }, context, NOW)).toBe(false);
    expect(evaluateCondition({ any: [english, french] }, context, NOW)).toBe(true);
    expect(evaluateCondition({ any: [english] }, context, NOW)).toBe(false);
    expect(evaluateCondition({ not: english }, context, NOW)).toBe(true);
    expect(evaluateCondition({ any: [] }, context, NOW)).toBe(false);
    expect(evaluateCondition({ all: [] }, context, NOW)).toBe(true);
  });
});

describe('evaluateConditions', () => {
  it('holds when every condition holds; empty or absent holds', () => {
    const yes: Condition = { field: 'contact.language', op: 'equals', value: 'fr' };
    const no: Condition = { field: 'contact.language', op: 'equals', value: 'en' };
    expect(evaluateConditions(undefined, context, NOW)).toBe(true);
    expect(evaluateConditions([], context, NOW)).toBe(true);
    expect(evaluateConditions([yes], context, NOW)).toBe(true);
    expect(evaluateConditions([yes, no], context, NOW)).toBe(false);
  });
});

describe('resolveTimeValue', () => {
  it('reads now, now±duration, ISO and epoch ms', () => {
    expect(resolveTimeValue('now', NOW)).toBe(NOW);
    expect(resolveTimeValue('now-24h', NOW)).toBe(NOW - 86_400_000);
    expect(resolveTimeValue('now + 1d', NOW)).toBe(NOW + 86_400_000);
    expect(resolveTimeValue('2026-01-01T00:00:00Z', NOW)).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(resolveTimeValue(1_000, NOW)).toBe(1_000);
    expect(resolveTimeValue('nowish', NOW)).toBeNull();
    expect(resolveTimeValue('now-24 hours', NOW)).toBeNull();
    expect(resolveTimeValue(true, NOW)).toBeNull();
  });
});
