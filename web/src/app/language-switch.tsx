import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index';
import { cx, FOCUS_RING } from '../ui/cx';

/** English / 简体中文 / 繁體中文; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation('common');
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <span className="sr-only">{t('language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => void setLanguage(e.target.value as Language)}
        className={cx('h-8 rounded-md border border-slate-300 bg-white px-2 text-sm', FOCUS_RING)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
