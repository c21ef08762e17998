import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../../src/core/audit-actions';
import { pickLanguage } from './index';

const catalogs = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

function keys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function catalog(language: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [path, module] of Object.entries(catalogs)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (match?.[1] === language) out.set(match[2]!, keys(module.default).sort());
  }
  return out;
}

describe('translation catalogs', () => {
  const english = catalog('en');

  it.each(['zh-CN', 'zh-TW'])('%s has every namespace and key English has, and no others', (language) => {
    const other = catalog(language);
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [namespace, englishKeys] of english) expect({ namespace, keys: other.get(namespace) }).toEqual({ namespace, keys: englishKeys });
  });

  it.each(['zh-CN', 'zh-TW'])('%s leaves no message in English (beyond names and placeholders)', (language) => {
    const untranslated: string[] = [];
    for (const [path, module] of Object.entries(catalogs)) {
      const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
      if (match?.[1] !== language) continue;
      const english = catalogs[`./locales/en/${match[2]}.json`]!.default;
      const walk = (mine: unknown, theirs: unknown, at: string) => {
        if (typeof mine === 'string') {
          // A message with Latin words and no CJK character, that differs from nothing but is equal to the English one.
          const stripped = mine.replace(/\{[^{}]*\}/g, '').replace(/Nudge|Slack|Klaviyo|Omnisend|WhatsApp|Telegram|SMS|SMTP|API|YAML|JSON|CSV|URL|ID|TOTP|Liquid|\.ics|Email|HTTP|Cal\.com|Calendly|Shopify/gi, '');
          if (mine === theirs && /[A-Za-z]{3,}/.test(stripped) && !/[\u3400-\u9fff]/.test(mine)) untranslated.push(`${match[2]}:${at}`);
          return;
        }
        if (mine && typeof mine === 'object')
          for (const [k, v] of Object.entries(mine)) walk(v, (theirs as Record<string, unknown> | undefined)?.[k], at ? `${at}.${k}` : k);
      };
      walk(module.default, english, '');
    }
    expect(untranslated).toEqual([]);
  });
});

describe('audit log actions', () => {
  it.each(['en', 'zh-CN', 'zh-TW'])('%s words every action the audit log records, and no other', (language) => {
    const settings = catalogs[`./locales/${language}/settings.json`]!.default as { audit_actions: Record<string, Record<string, string>> };
    const worded = Object.entries(settings.audit_actions).flatMap(([kind, actions]) => Object.keys(actions).map((a) => `${kind}.${a}`));
    expect(worded.sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});

describe('pickLanguage', () => {
  it.each([
    [['zh-TW'], 'zh-TW'],
    [['zh-HK', 'en'], 'zh-TW'],
    [['zh-Hant-TW'], 'zh-TW'],
    [['zh-CN'], 'zh-CN'],
    [['zh'], 'zh-CN'],
    [['zh-Hans-SG'], 'zh-CN'],
    [['fr-FR', 'en-GB'], 'en'],
    [[], 'en'],
  ])('%j → %s', (preferred, expected) => {
    expect(pickLanguage(preferred)).toBe(expected);
  });
});
