/**
 * A contact's data rights on its page (owners and admins): download its data as JSON, and erase
 * it after a confirmation that says the erasure cannot be undone.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { useCan } from '../../api/session';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { eraseContact, exportContact, type ErasureResult } from './records-api';

/** Saves `text` as a file through a temporary link (no server round trip beyond the export itself). */
function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function ContactRightsActions({ contactId }: { contactId: string }) {
  const { t } = useTranslation('contacts');
  const allowed = useCan('admin');
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const exported = useMutation({
    mutationFn: () => exportContact(contactId),
    onSuccess: (data) => download(`contact-${contactId}.json`, `${JSON.stringify(data, null, 2)}\n`, 'application/json'),
  });
  const erased = useMutation({
    mutationFn: () => eraseContact(contactId),
    onSuccess: async () => {
      setConfirming(false);
      // The contact, its sessions, deliveries, appointments and emails all changed.
      await Promise.all(
        [queryKeys.contacts.all(), queryKeys.sessions.all(), queryKeys.deliveries.all(), queryKeys.appointments.all(), queryKeys.outbox.all(), queryKeys.events.all()].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      );
    },
  });
  if (!allowed) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <Button title={t('export_json_label')} disabled={exported.isPending} onClick={() => exported.mutate()}>
          {t('export_json')}
        </Button>
        <Button variant="danger" disabled={erased.isPending} onClick={() => setConfirming(true)}>
          {t('erase')}
        </Button>
      </div>
      {exported.isError && (
        <p role="alert" className="text-sm text-red-700">
          {t('export_failed')}
        </p>
      )}
      {erased.isSuccess && <ErasureStatus result={erased.data} />}
      <Dialog open={confirming} onOpenChange={(open) => !erased.isPending && setConfirming(open)} title={t('erase_title')} description={t('erase_warning')}>
        {erased.isError && (
          <p role="alert" className="mb-3 text-sm text-red-700">
            {t('erase_failed')}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={() => setConfirming(false)} disabled={erased.isPending}>
            {t('erase_cancel')}
          </Button>
          <Button variant="danger" onClick={() => erased.mutate()} disabled={erased.isPending}>
            {t('erase_confirm')}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}

function ErasureStatus({ result }: { result: ErasureResult }) {
  const { t, i18n } = useTranslation('contacts');
  const date = new Date(result.erased_at).toLocaleString(i18n.language);
  return (
    <p role="status" className="text-sm text-emerald-800">
      {result.erased_now ? t('erase_done', { count: result.sessions_stopped }) : t('erase_already', { date })}
    </p>
  );
}
