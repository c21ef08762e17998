import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { useRouter, type ErrorComponentProps } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../ui/error-state';

/** A route's error view: the server's message and a retry that reloads the route. */
export function RouteError({ error }: ErrorComponentProps) {
  const { t } = useTranslation('common');
  const router = useRouter();
  const reset = useQueryErrorResetBoundary();
  return (
    <div className="p-6">
      <ErrorState
        title={t('page_error')}
        error={error}
        onRetry={() => {
          reset.reset();
          void router.invalidate();
        }}
      />
    </div>
  );
}
