/** A "+" button that inserts a step of the chosen kind at one place in the flow. */
import { Plus } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import { STEP_KINDS } from '../../../../../src/core/flow-definition';
import type { StepDefinition } from '../../../../../src/core/flow-definition';
import { explicitStepIds, freshStepId } from '../store/flow-operations';
import type { ListPath } from '../store/step-paths';
import { useEditorEnvironment } from './editor-context';
import { STEP_KINDS_TABLE } from './step-kinds';

export function AddStepMenu({ list, index, label }: { list: ListPath; index: number; label: string }) {
  const { t } = useTranslation('editor');
  const { store, channels } = useEditorEnvironment();
  const add = (kind: (typeof STEP_KINDS)[number]) => {
    const state = store.getState();
    const body = STEP_KINDS_TABLE[kind].create({ channel: channels[0]?.id ?? 'slack' });
    const step = { id: freshStepId(kind, explicitStepIds(state.document)), [kind]: body } as unknown as StepDefinition;
    state.dispatch({ type: 'addStep', list, index, step });
  };
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        aria-label={label}
        className="nodrag nopan flex size-6 items-center justify-center rounded-full border border-slate-400 bg-white text-slate-700 shadow-sm hover:bg-blue-50 focus:outline-2 focus:outline-blue-600"
      >
        <Plus aria-hidden="true" className="size-4" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="z-50 min-w-44 rounded border border-slate-200 bg-white p-1 shadow-lg" sideOffset={4}>
          <DropdownMenu.Label className="px-2 py-1 text-xs text-slate-600">{t('canvas.addStep')}</DropdownMenu.Label>
          {STEP_KINDS.map((kind) => {
            const view = STEP_KINDS_TABLE[kind];
            const Icon = view.icon;
            return (
              <DropdownMenu.Item
                key={kind}
                onSelect={() => add(kind)}
                className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm text-slate-900 outline-none data-[highlighted]:bg-blue-100"
              >
                <Icon aria-hidden="true" className="size-4" />
                {t(view.label)}
              </DropdownMenu.Item>
            );
          })}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
