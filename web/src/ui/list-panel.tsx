import type { ReactNode } from 'react';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { LoadingRows } from './skeleton';
import { Table, type Column } from './table';

/** The part of a TanStack query result a list needs: what `useQuery` returns fits it. */
export type QueryState<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };

type PanelProps<T> = {
  /** Shown when there are no rows: a string is the title of an EmptyState; leave it out to render the (empty) list itself. */
  empty?: ReactNode;
  /** How many grey rows stand in while loading (LoadingRows' default when left out). */
  loadingRows?: number;
} & (
  | { query: QueryState<T[]>; rows?: undefined }
  /** For a query whose data is not the list itself (pages of an infinite query): the rows taken from it. */
  | { query: QueryState<unknown>; rows: T[] }
);

/** Loading, error and empty states around a list; `children` renders the rows once there are any. */
export function ListPanel<T>({ query, rows, empty, loadingRows, children }: PanelProps<T> & { children: (rows: T[]) => ReactNode }) {
  if (query.isPending) return <LoadingRows rows={loadingRows} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const list = rows ?? (query.data as T[] | undefined) ?? [];
  if (list.length === 0 && empty !== undefined) return typeof empty === 'string' ? <EmptyState title={empty} /> : <>{empty}</>;
  return <>{children(list)}</>;
}

/** A ListPanel whose list is a table: the columns' header, then one `row` (a `<Tr key>`) per item. */
export function ListTable<T>({ caption, columns, row, ...panel }: PanelProps<T> & { caption: string; columns: readonly Column[]; row: (item: T) => ReactNode }) {
  return (
    <ListPanel<T> {...panel}>
      {(rows) => (
        <Table caption={caption} columns={columns}>
          <tbody>{rows.map(row)}</tbody>
        </Table>
      )}
    </ListPanel>
  );
}
