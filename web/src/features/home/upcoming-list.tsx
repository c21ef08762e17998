import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import type { UpcomingItem } from './home-api';

const LINK = 'font-medium text-indigo-700 hover:underline';

/** What runs next today and tomorrow: when, which flow and step, for whom, for which appointment. */
export function UpcomingList({ items }: { items: UpcomingItem[] }) {
  const { t } = useTranslation('home');
  if (items.length === 0) return <EmptyState title={t('upcoming_empty')} />;
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((item) => (
        <li key={item.id} className="grid gap-x-4 gap-y-1 py-2 text-sm sm:grid-cols-[10rem_1fr]">
          <span className="text-slate-700 tabular-nums">
            <DateTime value={item.due_at} />
          </span>
          <div className="min-w-0 space-y-1">
            <p className="flex flex-wrap items-baseline gap-x-2">
              <Link to="/flows/$flowId" params={{ flowId: item.flow_id }} className={LINK}>
                {item.flow_name ?? item.flow_id}
              </Link>
              {item.step_id && <span className="text-slate-700">{t('step', { step: item.step_id })}</span>}
              {item.session_id ? (
                <Link to="/sessions/$sessionId" params={{ sessionId: item.session_id }} className={LINK}>
                  {t('open_session')}
                </Link>
              ) : (
                <span className="text-slate-600">{t('starts_when_due')}</span>
              )}
            </p>
            <p className="flex flex-wrap items-baseline gap-x-3 text-slate-700">
              {item.contact && (
                <span>
                  {t('contact')}{' '}
                  <Link to="/contacts/$contactId" params={{ contactId: item.contact.id }} className={LINK}>
                    {item.contact.name ?? item.contact.email ?? item.contact.phone ?? item.contact.id}
                  </Link>
                </span>
              )}
              {item.appointment && (
                <span>
                  {t('appointment')}{' '}
                  <Link to="/appointments/$appointmentId" params={{ appointmentId: item.appointment.id }} className={LINK}>
                    {item.appointment.service_name ?? item.appointment.external_id}
                  </Link>{' '}
                  <DateTime value={item.appointment.start_at} />
                </span>
              )}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
