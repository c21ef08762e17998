/**
 * The web app shows each channel's description in the UI language from its own catalog
 * (web/src/features/editor/components/step-forms.tsx); the English text there must be the
 * channel's own manifest description, so the two cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinChannels } from '../../src/channels/builtin.js';
import { createWebhookChannel } from '../../src/channels/webhook/webhook-channel.js';

const catalog = (language: string) =>
  (JSON.parse(readFileSync(fileURLToPath(new URL(`../../web/src/i18n/locales/${language}/editor.json`, import.meta.url)), 'utf8')) as {
    channelDescriptions: Record<string, string>;
  }).channelDescriptions;

describe('channel descriptions in the web catalogs', () => {
  const manifests = [...builtinChannels({ now: () => 0, endpoints: {} }).map((c) => c.manifest), createWebhookChannel().manifest];

  it('has every channel’s manifest description as its English text', () => {
    const english = catalog('en');
    for (const m of manifests) expect(english[m.id], m.id).toBe(m.description);
    expect(english.email).toMatch(/SMTP/);
  });

  it('translates every description into Simplified and Traditional Chinese', () => {
    const english = catalog('en');
    for (const language of ['zh-CN', 'zh-TW']) {
      const translated = catalog(language);
      expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
      for (const [id, text] of Object.entries(translated)) expect(text, `${language} ${id}`).not.toBe(english[id]);
    }
  });
});
