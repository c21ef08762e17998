import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageChooser } from './language-chooser';

/** The centred card of the pages outside the app (sign-in, setup, invite, forced two-factor setup). */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation('common');
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-slate-50 px-4 py-10">
      <main className="w-full max-w-sm">
        <p className="mb-6 text-center text-2xl font-semibold text-indigo-700">{t('app_name')}</p>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
          {subtitle && <div className="mt-1 text-sm text-slate-600">{subtitle}</div>}
          <div className="mt-5">{children}</div>
        </div>
        <div className="mt-4 flex justify-center">
          <LanguageChooser />
        </div>
      </main>
    </div>
  );
}
