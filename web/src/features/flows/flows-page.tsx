import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Plus, Sparkles } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../../api/query-keys';
import { useCan, useMe } from '../../api/session';
import { Badge, statusTone } from '../../ui/badge';
import { Button } from '../../ui/button';
import { DateTime } from '../../ui/date-time';
import { EmptyState } from '../../ui/empty-state';
import { errorMessage, ErrorState } from '../../ui/error-state';
import { ListTable } from '../../ui/list-panel';
import { PageHeader } from '../../ui/page-header';
import { actionsColumn, Td, Tr } from '../../ui/table';
import { actionsFor, flowsQuery, runFlowAction, triggerSummary, type FlowAction, type FlowListEntry, type FlowStatus } from './flows-api';
import { FLOW_STATUS_LABEL } from './flow-labels';
import { ConfirmButton } from '../../ui/confirm-button';

const ACTION_LABEL = { activate: 'action_activate', pause: 'action_pause', resume: 'action_resume', archive: 'action_archive' } as const;

export function FlowsPage() {
  const { t } = useTranslation('flows');
  const me = useMe();
  const canEdit = useCan('admin');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const flows = useQuery(flowsQuery);
  const action = useMutation({
    mutationFn: ({ id, action }: { id: string; action: FlowAction }) => runFlowAction(id, action),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.flows.all() }), queryClient.invalidateQueries({ queryKey: queryKeys.overview() })]),
  });
  const live = flows.data?.filter((f) => f.status === 'active').length ?? 0;
  const limit = me.workspace.flow_limit;

  return (
    <div>
      <PageHeader
        title={t('title')}
        description={flows.data ? (limit === null ? t('usage_unlimited', { live }) : t('usage', { live, limit })) : undefined}
        actions={
          canEdit && (
            <>
              <Link to="/flows/presets" className="inline-flex h-9 items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600">
                <Sparkles size={16} aria-hidden="true" />
                {t('from_preset')}
              </Link>
              <Button variant="primary" onClick={() => void navigate({ to: '/flows/$flowId', params: { flowId: 'new' } })}>
                <Plus size={16} aria-hidden="true" />
                {t('new_flow')}
              </Button>
            </>
          )
        }
      />
      {action.isError && (
        <div className="mb-4">
          <ErrorState error={action.error} title={t('action_failed')} />
        </div>
      )}
      <ListTable
        query={flows}
        empty={<EmptyState title={t('empty_title')} description={t('empty_text')} />}
        caption={t('title')}
        columns={[t('col_name'), t('col_trigger'), t('col_sessions'), t('col_status'), t('col_version'), t('col_updated'), ...(canEdit ? [actionsColumn(t('col_actions'))] : [])]}
        row={(flow) => (
          <Tr key={flow.id} className="hover:bg-slate-50">
            <Td>
              <Link to="/flows/$flowId" params={{ flowId: flow.id }} className="font-medium text-indigo-700 hover:underline">
                {flow.name}
              </Link>
            </Td>
            <FlowFacts flow={flow} />
            <Td>
              <Badge tone={statusTone(flow.status)}>{t(FLOW_STATUS_LABEL[flow.status as FlowStatus])}</Badge>
            </Td>
            <Td>{flow.version}</Td>
            <Td>
              <DateTime value={flow.updated_at} />
            </Td>
            {canEdit && (
              <Td className="text-right whitespace-nowrap">
                {actionsFor(flow.status).map((a) => {
                  const shared = { size: 'sm', className: 'ml-1', disabled: action.isPending, 'aria-label': `${t(ACTION_LABEL[a])}: ${flow.name}`, children: t(ACTION_LABEL[a]) } as const;
                  const run = () => action.mutate({ id: flow.id, action: a });
                  // Archiving ends every running session of the flow: asked first.
                  return a === 'archive' ? (
                    <ConfirmButton key={a} {...shared} variant="ghost" question={t('archive_confirm', { name: flow.name })} onConfirm={run} />
                  ) : (
                    <Button key={a} {...shared} variant="secondary" onClick={run} />
                  );
                })}
              </Td>
            )}
          </Tr>
        )}
      />
      {action.isError && <p className="sr-only" role="status">{errorMessage(action.error, t('action_failed'))}</p>}
    </div>
  );
}

/** A row's trigger and session counts (waiting sessions count as active). */
function FlowFacts({ flow }: { flow: FlowListEntry }) {
  const { t } = useTranslation('flows');
  const trigger = triggerSummary(flow.trigger ?? undefined);
  const { active = 0, waiting = 0, completed = 0, failed = 0 } = flow.sessions;
  return (
    <>
      <Td className="text-xs">{trigger ? t(trigger.key, trigger.values) : '—'}</Td>
      <Td className="text-xs whitespace-nowrap">{t('sessions_counts', { active: active + waiting, completed, failed })}</Td>
    </>
  );
}
