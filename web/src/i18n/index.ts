/**
 * Translations: one JSON catalog per language and namespace under `locales/<language>/<namespace>.json`,
 * bundled (no network fetch). Messages use ICU syntax (`{count, plural, other {# flows}}`); Chinese has
 * only the `other` plural. zh-TW falls back to zh-CN, then English, but the catalogs are kept complete:
 * a test checks every language has the same keys.
 */
import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
  { code: 'zh-TW', label: '繁體中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const catalogs = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

function resources(): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [path, module] of Object.entries(catalogs)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match) continue;
    const [, language, namespace] = match as unknown as [string, string, string];
    (out[language] ??= {})[namespace] = module.default;
  }
  return out;
}

const STORAGE_KEY = 'nudge.language';

/** The browser's preferred language mapped onto ours: zh-TW, zh-HK and zh-Hant → zh-TW; other zh → zh-CN. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /^zh-(tw|hk|mo)|^zh-hant/.test(lower) ? 'zh-TW' : 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored && LANGUAGES.some((l) => l.code === stored)) return stored as Language;
  return pickLanguage(globalThis.navigator?.languages ?? []);
}

export async function setLanguage(language: Language): Promise<void> {
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}

export function initI18n(language: Language = initialLanguage()) {
  const all = resources();
  void i18next
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources: all,
      lng: language,
      fallbackLng: { 'zh-TW': ['zh-CN', 'en'], default: ['en'] },
      ns: Object.keys(all.en ?? {}),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  return i18next;
}
