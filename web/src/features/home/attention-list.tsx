import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { ErrorState } from '../../ui/error-state';
import { retryDelivery, type AttentionItem } from './home-api';

const LINK = 'font-medium text-indigo-700 hover:underline';

/** What failed in the last 7 days and still stands, newest first; a failed send can be retried here by admins. */
export function AttentionList({ items }: { items: AttentionItem[] }) {
  const { t } = useTranslation('home');
  const canRetry = useCan('admin');
  if (items.length === 0) return <EmptyState title={t('all_good')} />;
  return (
    <ul className="divide-y divide-slate-100">
      {items.map((item) => (
        <AttentionRow key={`${item.kind}-${item.id}`} item={item} canRetry={canRetry && item.kind === 'delivery_failed'} />
      ))}
    </ul>
  );
}

function AttentionRow({ item, canRetry }: { item: AttentionItem; canRetry: boolean }) {
  const { t } = useTranslation('home');
  const queryClient = useQueryClient();
  const flow = item.flow_name ?? item.flow_id;
  const retry = useMutation({
    mutationFn: () => retryDelivery(item.id),
    onSettled: () =>
      Promise.all([queryKeys.overview(), queryKeys.deliveries.all(), queryKeys.sessions.all()].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
  return (
    <li className="py-2 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="min-w-0">
          {item.kind === 'delivery_failed' ? (
            <Link to="/deliveries/$deliveryId" params={{ deliveryId: item.id }} className={LINK}>
              {t('delivery_failed', { flow })}
            </Link>
          ) : (
            <Link to="/sessions/$sessionId" params={{ sessionId: item.id }} className={LINK}>
              {t('session_failed', { flow })}
            </Link>
          )}
          <p className="break-words text-slate-700">{item.message}</p>
        </div>
        <div className="flex items-center gap-3">
          <span className="text-slate-600">
            <DateTime value={item.at} />
          </span>
          {canRetry && (
            <Button size="sm" disabled={retry.isPending || retry.isSuccess} onClick={() => retry.mutate()} aria-label={t('retry_label', { flow })}>
              {t('retry')}
            </Button>
          )}
        </div>
      </div>
      {retry.isError && (
        <div className="mt-2">
          <ErrorState error={retry.error} title={t('retry_failed')} />
        </div>
      )}
      {retry.isSuccess && (
        <p role="status" className="mt-1 text-emerald-800">
          {t('retried')}
        </p>
      )}
    </li>
  );
}
