import type { ComponentProps } from 'react';
import { cx } from './cx';

/** A column header: its label, or a label only screen readers see (a column of row actions). */
export type Column = string | { label: string; srOnly: true };

/** The header of a column of row actions, named for screen readers only. */
export const actionsColumn = (label: string): Column => ({ label, srOnly: true });

/**
 * A plain, scrollable data table; the caption names it for screen readers.
 * With `columns` it renders the header row itself, and `children` is the body.
 */
export function Table({ caption, columns, className, children, ...props }: ComponentProps<'table'> & { caption: string; columns?: readonly Column[] }) {
  return (
    // `relative`: screen-reader-only text in the table (absolutely positioned) scrolls with it instead of widening the page.
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className={cx('min-w-full divide-y divide-slate-200 text-sm', className)} {...props}>
        <caption className="sr-only">{caption}</caption>
        {columns && <TableHead columns={columns} />}
        {children}
      </table>
    </div>
  );
}

function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <Th key={i}>{typeof c === 'string' ? c : <span className="sr-only">{c.label}</span>}</Th>
        ))}
      </tr>
    </thead>
  );
}

export function Th({ className, ...props }: ComponentProps<'th'>) {
  return <th scope="col" className={cx('bg-slate-50 px-3 py-2 text-left text-xs font-semibold tracking-wide text-slate-700 uppercase', className)} {...props} />;
}

export function Td({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cx('px-3 py-2 align-top text-slate-800', className)} {...props} />;
}

export function Tr({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cx('border-t border-slate-100', className)} {...props} />;
}
