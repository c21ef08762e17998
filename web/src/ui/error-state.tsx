import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Button } from './button';

/** What went wrong, in the server's words (plus the field it names), and a way to try again. Never a stack trace. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation('common');
  const message = errorMessage(error, t('error_unknown'));
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3">
      <p className="text-sm font-medium text-red-800">{title ?? t('error_title')}</p>
      <p className="mt-1 text-sm text-red-800">{message}</p>
      {onRetry && (
        <Button size="sm" className="mt-3" onClick={onRetry}>
          {t('retry')}
        </Button>
      )}
    </div>
  );
}

/** The message to show for an error: an API error's message with the field it points at, or a fallback. */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    const where = error.path ? ` (${error.path})` : '';
    const details = error.details.length > 0 ? `: ${error.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')}` : '';
    return `${error.message}${where}${details}`;
  }
  return fallback;
}
