import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import {
  BarChart3,
  CalendarClock,
  Contact,
  Home,
  Menu,
  Send,
  Settings,
  Workflow,
  Activity,
  X,
} from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setCsrfToken } from '../api/client';
import { useMe } from '../api/session';
import { FormatProvider } from '../ui/date-time';
import { cx, FOCUS_RING } from '../ui/cx';
import { LanguageSwitch } from './language-switch';
import { useLiveUpdates } from './live-updates';
import { UserMenu } from './user-menu';

const NAV = [
  { to: '/', key: 'nav.home', icon: Home, exact: true },
  { to: '/flows', key: 'nav.flows', icon: Workflow },
  { to: '/sessions', key: 'nav.sessions', icon: Activity },
  { to: '/contacts', key: 'nav.contacts', icon: Contact },
  { to: '/appointments', key: 'nav.appointments', icon: CalendarClock },
  { to: '/deliveries', key: 'nav.deliveries', icon: Send },
  { to: '/analytics', key: 'nav.analytics', icon: BarChart3 },
  { to: '/settings', key: 'nav.settings', icon: Settings },
] as const;

/** The signed-in shell: side navigation (a drawer below the `lg` breakpoint), the workspace, the user menu and the page. */
export function AppLayout() {
  const { t, i18n } = useTranslation('common');
  const me = useMe();
  const [navOpen, setNavOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useLiveUpdates();

  const signOut = async (everywhere: boolean) => {
    try {
      await api(everywhere ? '/v1/auth/sign-out-everywhere' : '/v1/auth/sign-out', { method: 'POST' });
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      await navigate({ to: '/sign-in', search: {} });
    }
  };

  const nav: ReactNode = (
    <nav aria-label={t('nav.label')} className="flex-1 space-y-1 px-3 py-4">
      {NAV.map(({ to, key, icon: Icon, ...rest }) => {
        const active = 'exact' in rest ? pathname === to : pathname === to || pathname.startsWith(`${to}/`);
        return (
          <Link
            key={to}
            to={to}
            onClick={() => setNavOpen(false)}
            aria-current={active ? 'page' : undefined}
            className={cx(
              'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium',
              active ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700 hover:bg-slate-100',
              FOCUS_RING,
            )}
          >
            <Icon size={18} aria-hidden="true" />
            {t(key)}
          </Link>
        );
      })}
    </nav>
  );

  return (
    <FormatProvider timeZone={me.workspace.timezone || 'UTC'} locale={i18n.language}>
      <div className="min-h-screen bg-slate-50 text-slate-900 lg:flex">
        <a href="#main" className={cx('sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2', FOCUS_RING)}>
          {t('skip_to_content')}
        </a>
        <aside
          id="side-nav"
          className={cx(
            'fixed inset-y-0 left-0 z-30 flex w-64 flex-col border-r border-slate-200 bg-white transition-transform lg:static lg:translate-x-0',
            navOpen ? 'translate-x-0' : '-translate-x-full',
          )}
        >
          <div className="flex h-14 items-center justify-between border-b border-slate-200 px-5">
            <span className="text-lg font-semibold text-indigo-700">{t('app_name')}</span>
            <button type="button" className={cx('rounded p-1 lg:hidden', FOCUS_RING)} aria-label={t('nav.close')} onClick={() => setNavOpen(false)}>
              <X size={18} aria-hidden="true" />
            </button>
          </div>
          <p className="truncate px-5 pt-4 text-xs font-semibold tracking-wide text-slate-600 uppercase" title={me.workspace.name}>
            {me.workspace.name}
          </p>
          {nav}
        </aside>
        {navOpen && <div className="fixed inset-0 z-20 bg-slate-900/30 lg:hidden" aria-hidden="true" onClick={() => setNavOpen(false)} />}
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-4">
            <button
              type="button"
              className={cx('rounded p-1.5 text-slate-700 hover:bg-slate-100 lg:hidden', FOCUS_RING)}
              aria-label={t('nav.open')}
              aria-expanded={navOpen}
              aria-controls="side-nav"
              onClick={() => setNavOpen(true)}
            >
              <Menu size={20} aria-hidden="true" />
            </button>
            <div className="flex-1" />
            <LanguageSwitch />
            <UserMenu name={me.user.name || me.user.email} email={me.user.email} role={me.user.role} onSignOut={signOut} />
          </header>
          <main id="main" tabIndex={-1} className="flex-1 px-4 py-6 sm:px-6 lg:px-8">
            <Outlet />
          </main>
        </div>
      </div>
    </FormatProvider>
  );
}
