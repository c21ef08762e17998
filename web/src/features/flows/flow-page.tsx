import { Link, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../ui/page-header';

/** `/flows/$flowId` (and `/flows/new`): the flow editor goes here; this stands in until it is wired. */
export function FlowPage() {
  const { t } = useTranslation('flows');
  const { flowId } = useParams({ strict: false }) as { flowId: string };
  return (
    <div>
      <PageHeader title={flowId === 'new' ? t('new_flow') : t('flow')} description={flowId === 'new' ? undefined : <code>{flowId}</code>} />
      <p className="text-sm text-slate-700">{t('editor_placeholder')}</p>
      <Link to="/flows" className="mt-4 inline-block text-sm font-medium text-indigo-700 underline">
        {t('back_to_flows')}
      </Link>
    </div>
  );
}
