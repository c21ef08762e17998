/** `/flows/$flowId` and `/flows/new`: the flow editor for the flow in the URL. */
import { useParams } from '@tanstack/react-router';
import { FlowEditorPage } from '../features/editor/flow-editor-page';

export function FlowRoute() {
  const { flowId } = useParams({ from: '/signed-in/flows/$flowId' });
  // A new key per flow: the editor's store belongs to one open flow.
  return <FlowEditorPage key={flowId} flowId={flowId} />;
}
