/** Asks before leaving with unsaved changes: closing or reloading the tab, and, under the app's router, navigating away. */
import { useBlocker, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';

function RouterLeaveGuard({ dirty, message }: { dirty: boolean; message: string }) {
  useBlocker({ shouldBlockFn: () => dirty && !window.confirm(message), enableBeforeUnload: false });
  return null;
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
