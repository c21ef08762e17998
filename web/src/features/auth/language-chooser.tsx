import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage } from '../../i18n/index';
import { cx, FOCUS_RING } from '../../ui/cx';

/** The language links under the sign-in card. */
export function LanguageChooser() {
  const { t, i18n } = useTranslation('common');
  return (
    <div role="group" aria-label={t('language')} className="flex gap-3 text-sm">
      {LANGUAGES.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          aria-pressed={i18n.language === l.code}
          onClick={() => void setLanguage(l.code)}
          className={cx('rounded px-1 text-slate-700 underline-offset-2 hover:underline aria-pressed:font-semibold aria-pressed:text-indigo-700', FOCUS_RING)}
        >
          {l.label}
        </button>
      ))}
    </div>
  );
}
