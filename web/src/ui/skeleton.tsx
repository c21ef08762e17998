import { useTranslation } from 'react-i18next';
import { cx } from './cx';

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx('animate-pulse rounded bg-slate-200', className ?? 'h-4 w-full')} />;
}

/** A few grey rows standing in for a list or panel while it loads; announced once as loading. */
export function LoadingRows({ rows = 4 }: { rows?: number }) {
  const { t } = useTranslation('common');
  return (
    <div role="status" className="space-y-3 py-2">
      <span className="sr-only">{t('loading')}</span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
