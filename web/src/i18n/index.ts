/**
 * Translations: one JSON catalog per language and namespace under `locales/<language>/<namespace>.json`.
 * English is in the app's first chunk; each other language is its own chunk, served by Nudge like the
 * rest of the app and loaded when chosen (about 15 kB gzip kept off the first load). Messages use ICU syntax (`{count, plural, other {# flows}}`); Chinese has
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

type Catalogs = Record<string, Record<string, unknown>>;

/** English is bundled with the app (it is every other language's fallback); the others load when chosen. */
const english = import.meta.glob<{ default: Record<string, unknown> }>('./locales/en/*.json', { eager: true });
const others = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*/*.json', '!./locales/en/*.json']);

function namespaceOf(path: string): string {
  return /\/([^/]+)\.json$/.exec(path)![1]!;
}

function englishCatalogs(): Catalogs {
  return Object.fromEntries(Object.entries(english).map(([path, module]) => [namespaceOf(path), module.default]));
}

/** The languages to have loaded for `language`: itself and what it falls back to (zh-TW → zh-CN). */
function withFallbacks(language: Language): Language[] {
  return language === 'zh-TW' ? ['zh-TW', 'zh-CN'] : [language];
}

async function loadLanguage(language: Language): Promise<void> {
  for (const code of withFallbacks(language)) {
    if (code === 'en' || i18next.hasResourceBundle(code, 'common')) continue;
    const entries = Object.entries(others).filter(([path]) => path.startsWith(`./locales/${code}/`));
    const modules = await Promise.all(entries.map(([, load]) => load()));
    entries.forEach(([path], i) => i18next.addResourceBundle(code, namespaceOf(path), modules[i]!.default, true, true));
  }
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
  await loadLanguage(language);
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}

/** Starts i18next with English and the chosen language loaded; resolves once the chosen one can be shown. */
export async function initI18n(language: Language = initialLanguage()): Promise<typeof i18next> {
  const catalogs = englishCatalogs();
  await i18next
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources: { en: catalogs },
      lng: 'en',
      fallbackLng: { 'zh-TW': ['zh-CN', 'en'], default: ['en'] },
      ns: Object.keys(catalogs),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  await loadLanguage(language);
  await i18next.changeLanguage(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  return i18next;
}
