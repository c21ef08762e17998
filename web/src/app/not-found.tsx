import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

export function NotFoundPage() {
  const { t } = useTranslation('common');
  return (
    <main className="mx-auto max-w-lg px-6 py-16 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">{t('not_found_title')}</h1>
      <p className="mt-2 text-slate-600">{t('not_found_text')}</p>
      <Link to="/" className="mt-6 inline-block font-medium text-indigo-700 underline">
        {t('go_home')}
      </Link>
    </main>
  );
}
