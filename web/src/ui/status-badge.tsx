import { useTranslation } from 'react-i18next';
import { Badge, statusTone } from './badge';

/** Catalog keys (namespace `common`) of the status words the API returns for deliveries, appointments, schedules, sessions and timeline entries. */
const STATUS_LABEL = {
  succeeded: 'status.succeeded',
  retrying: 'status.retrying',
  failed: 'status.failed',
  skipped: 'status.skipped',
  booked: 'status.booked',
  canceled: 'status.canceled',
  completed: 'status.completed',
  checked_in: 'status.checked_in',
  no_show: 'status.no_show',
  pending: 'status.pending',
  held: 'status.held',
  active: 'status.active',
  waiting: 'status.waiting',
  stopped: 'status.stopped',
  started: 'status.started',
  next: 'status.next',
  wait: 'status.wait',
  wait_over: 'status.wait_over',
  sent: 'status.sent',
  rate_limited: 'status.rate_limited',
  no_recipient: 'status.no_recipient',
  rescheduled: 'status.rescheduled',
  contact_updated: 'status.contact_updated',
  branch: 'status.branch',
  end: 'status.end',
} as const;

/** Every status word that has a translation. */
export const TRANSLATED_STATUSES = Object.keys(STATUS_LABEL);

/** A status as a coloured badge in the UI language; a word this build does not know is shown as the API wrote it. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('common');
  const key = (STATUS_LABEL as Record<string, (typeof STATUS_LABEL)[keyof typeof STATUS_LABEL]>)[status];
  return <Badge tone={statusTone(status)}>{key ? t(key) : status}</Badge>;
}

/** The statuses a filter may offer, labelled. */
export function useStatusLabel(): (status: string) => string {
  const { t } = useTranslation('common');
  return (status) => {
    const key = (STATUS_LABEL as Record<string, (typeof STATUS_LABEL)[keyof typeof STATUS_LABEL]>)[status];
    return key ? t(key) : status;
  };
}
