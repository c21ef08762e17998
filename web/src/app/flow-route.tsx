/** `/flows/$flowId` and `/flows/new`: the flow editor for the flow in the URL. */
import { useParams } from '@tanstack/react-router';
import { useCan } from '../api/session';
import { FlowEditorPage } from '../features/editor/flow-editor-page';

export function FlowRoute() {
  const { flowId } = useParams({ from: '/signed-in/flows/$flowId' });
  // A new key per flow: the editor's store belongs to one open flow.
  // Staff may read flows but not change them (the server refuses with 403): the editor is read-only for them.
  const canEdit = useCan('admin');
  return <FlowEditorPage key={flowId} flowId={flowId} canEdit={canEdit} />;
}
