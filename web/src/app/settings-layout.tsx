import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { hasRole, useMe } from '../api/session';
import { cx, FOCUS_RING } from '../ui/cx';
import { PageHeader } from '../ui/page-header';

const SECTIONS = [
  { to: '/settings', key: 'settings.workspace', role: 'staff' as const },
  { to: '/settings/users', key: 'settings.users', role: 'owner' as const },
  { to: '/settings/api-keys', key: 'settings.api_keys', role: 'owner' as const },
  { to: '/settings/secrets', key: 'settings.secrets', role: 'admin' as const },
  { to: '/settings/sources', key: 'settings.sources', role: 'staff' as const },
  { to: '/settings/security', key: 'settings.security', role: 'staff' as const },
  { to: '/settings/audit-log', key: 'settings.audit_log', role: 'owner' as const },
] as const;

/** Settings: one sub-page per section, each with its own error view; owner-only sections hidden from others. */
export function SettingsLayout() {
  const { t } = useTranslation('common');
  const role = useMe().user.role;
  const pathname = useRouterState({ select: (s) => s.location.pathname.replace(/\/$/, '') || '/' });
  return (
    <div>
      <PageHeader title={t('nav.settings')} />
      <nav aria-label={t('settings_sections')} className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
        {SECTIONS.filter((s) => hasRole(role, s.role)).map((s) => (
          <Link
            key={s.to}
            to={s.to}
            aria-current={pathname === s.to ? 'page' : undefined}
            className={cx(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
              pathname === s.to ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900',
              FOCUS_RING,
            )}
          >
            {t(s.key)}
          </Link>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
