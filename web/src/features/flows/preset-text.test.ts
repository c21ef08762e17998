/** Every preset the server ships has its name, description and placeholders in every language. */
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../../src/presets/index';

const catalogs = import.meta.glob<{ default: PresetCatalog }>('../../i18n/locales/*/presets.json', { eager: true });

interface PresetCatalog {
  presets: Record<string, { name?: string; description?: string }>;
  placeholders: Record<string, { label?: string; help?: string }>;
}

const catalog = (language: string) => catalogs[`../../i18n/locales/${language}/presets.json`]!.default;
const filled = (text: string | undefined) => typeof text === 'string' && text.trim() !== '';

describe('preset catalogs', () => {
  it('say in English what the server says, so the two cannot drift apart', () => {
    const english = catalog('en');
    for (const p of PRESETS) expect(english.presets[p.id], p.id).toEqual({ name: p.name, description: p.description });
    for (const h of PRESETS.flatMap((p) => p.placeholders)) expect(english.placeholders[h.name]?.help, h.name).toBe(h.description);
  });

  it.each(['en', 'zh-CN', 'zh-TW'])('%s names and describes every preset and placeholder, and nothing else', (language) => {
    const { presets, placeholders } = catalog(language);
    const problems = [
      ...PRESETS.filter((p) => !filled(presets[p.id]?.name) || !filled(presets[p.id]?.description)).map((p) => `preset ${p.id}`),
      ...PRESETS.flatMap((p) => p.placeholders)
        .filter((h) => !filled(placeholders[h.name]?.label) || !filled(placeholders[h.name]?.help))
        .map((h) => `placeholder ${h.name}`),
    ];
    expect(problems).toEqual([]);
    expect(Object.keys(presets).sort()).toEqual(PRESETS.map((p) => p.id).sort());
    expect(Object.keys(placeholders).sort()).toEqual([...new Set(PRESETS.flatMap((p) => p.placeholders.map((h) => h.name)))].sort());
  });
});
