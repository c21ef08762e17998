/**
 * Asking before something that cannot be undone (stop, archive, revoke, delete), in the app's own
 * dialog instead of the browser's `confirm()`: translated buttons, focus kept inside while open and
 * given back to the button after, Escape or Cancel to keep things as they are.
 */
import { AlertDialog } from 'radix-ui';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, type ButtonProps } from './button';
import { cx } from './cx';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The question, e.g. "Stop this session? It will not send anything more." */
  question: string;
  /** The confirming button's label (the action's own word: "Stop", "Archive"). */
  confirmLabel: string;
  onConfirm: () => void;
  /** Whether the action is destructive (a red confirming button). Default true. */
  danger?: boolean;
}

/** The question with Cancel (focused first) and the action's button; role `alertdialog`. */
export function ConfirmDialog({ open, onOpenChange, question, confirmLabel, onConfirm, danger = true }: ConfirmDialogProps) {
  const { t } = useTranslation('common');
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <AlertDialog.Content
          aria-describedby={undefined}
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl"
        >
          <AlertDialog.Title className="text-base font-medium whitespace-pre-line text-slate-900">{question}</AlertDialog.Title>
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button>{t('cancel')}</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button variant={danger ? 'danger' : 'primary'} className={cx(danger && 'border-red-600')} onClick={onConfirm}>
                {confirmLabel}
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

type ConfirmButtonProps = Omit<ButtonProps, 'onClick'> & {
  question: string;
  /** The confirming button's label; default the button's own text when that is a string. */
  confirmLabel?: string;
  onConfirm: () => void;
  children: ReactNode;
};

/** A button that asks `question` in a ConfirmDialog and runs `onConfirm` only on yes. */
export function ConfirmButton({ question, confirmLabel, onConfirm, children, variant = 'danger', ...props }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const label = confirmLabel ?? (typeof children === 'string' ? children : '');
  return (
    <>
      <Button variant={variant} {...props} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <ConfirmDialog open={open} onOpenChange={setOpen} question={question} confirmLabel={label} onConfirm={onConfirm} />
    </>
  );
}
