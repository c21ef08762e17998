/**
 * Asks before leaving with unsaved changes: closing or reloading the tab (the browser's own
 * question, the only one it allows there), and, under the app's router, navigating away (the app's
 * dialog).
 */
import { useBlocker, useRouter } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../ui/confirm-button';

function RouterLeaveGuard({ dirty, message }: { dirty: boolean; message: string }) {
  const { t } = useTranslation('common');
  const blocker = useBlocker({ shouldBlockFn: () => dirty, enableBeforeUnload: false, withResolver: true });
  // The dialog also closes after Leave; only a close without it (Cancel, Escape) stays on the page.
  const leaving = useRef(false);
  if (blocker.status !== 'blocked') return null;
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => {
        if (!open && !leaving.current) blocker.reset();
        leaving.current = false;
      }}
      question={message}
      confirmLabel={t('leave')}
      onConfirm={() => {
        leaving.current = true;
        blocker.proceed();
      }}
    />
  );
}

export function LeaveGuard({ dirty, message }: { dirty: boolean; message: string }) {
  const router = useRouter({ warn: false }) as ReturnType<typeof useRouter> | undefined;
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  return router ? <RouterLeaveGuard dirty={dirty} message={message} /> : null;
}
