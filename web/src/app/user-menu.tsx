import { DropdownMenu } from 'radix-ui';
import { ChevronDown, LogOut } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { cx, FOCUS_RING } from '../ui/cx';

const ROLE_LABEL = { owner: 'roles.owner', admin: 'roles.admin', staff: 'roles.staff' } as const;

const ITEM = 'flex cursor-pointer items-center gap-2 rounded px-3 py-2 text-sm text-slate-800 outline-none data-[highlighted]:bg-slate-100';

export function UserMenu({ name, email, role, onSignOut }: { name: string; email: string; role: keyof typeof ROLE_LABEL; onSignOut: (everywhere: boolean) => Promise<void> }) {
  const { t } = useTranslation('common');
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className={cx('flex items-center gap-1 rounded-md px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100', FOCUS_RING)}>
        <span className="max-w-40 truncate">{name}</span>
        <ChevronDown size={16} aria-hidden="true" />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className="z-50 min-w-56 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <div className="px-3 py-2 text-xs text-slate-600">
            <div className="truncate font-medium text-slate-800">{email}</div>
            <div>{t(ROLE_LABEL[role])}</div>
          </div>
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <DropdownMenu.Item className={ITEM} onSelect={() => void onSignOut(false)}>
            <LogOut size={16} aria-hidden="true" />
            {t('sign_out')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className={ITEM} onSelect={() => void onSignOut(true)}>
            <LogOut size={16} aria-hidden="true" />
            {t('sign_out_everywhere')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
