import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initI18n } from '../i18n/index';
import { ListPanel, ListTable, type QueryState } from './list-panel';
import { actionsColumn, Table } from './table';

beforeAll(async () => {
  await initI18n('en');
});

afterEach(cleanup);

const settled = <T,>(data: T): QueryState<T> => ({ isPending: false, isError: false, error: null, data, refetch: () => undefined });
const names = (rows: string[]) => <ul>{rows.map((r) => <li key={r}>{r}</li>)}</ul>;

describe('ListPanel', () => {
  it('stands in grey rows while loading, as many as asked', () => {
    const { container } = render(<ListPanel query={{ ...settled<string[]>([]), isPending: true, data: undefined }} loadingRows={2}>{names}</ListPanel>);
    expect(screen.getByRole('status').textContent).toContain('Loading');
    expect(container.querySelectorAll('[aria-hidden="true"]')).toHaveLength(2);
  });

  it('shows the error with a retry that refetches', () => {
    const refetch = vi.fn();
    render(<ListPanel query={{ ...settled<string[]>([]), isError: true, error: new Error('x'), refetch }} empty="None">{names}</ListPanel>);
    fireEvent.click(screen.getByRole('button'));
    expect(refetch).toHaveBeenCalledOnce();
    expect(screen.queryByText('None')).toBeNull();
  });

  it('shows the empty state for no rows, or the list itself when no empty state is given', () => {
    render(<ListPanel query={settled<string[]>([])} empty="Nothing yet">{() => <p>list</p>}</ListPanel>);
    expect(screen.getByText('Nothing yet')).toBeTruthy();
    expect(screen.queryByText('list')).toBeNull();
    cleanup();
    render(<ListPanel query={settled<string[]>([])}>{() => <p>list</p>}</ListPanel>);
    expect(screen.getByText('list')).toBeTruthy();
  });

  it('renders the rows taken from a query whose data is not the list', () => {
    render(<ListPanel query={settled({ pages: [['a'], ['b']] })} rows={['a', 'b']} empty="None">{names}</ListPanel>);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['a', 'b']);
  });
});

describe('Table columns', () => {
  it('renders the header row, an actions column named for screen readers only', () => {
    render(<Table caption="Keys" columns={['Name', actionsColumn('Actions')]}><tbody /></Table>);
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((h) => h.textContent)).toEqual(['Name', 'Actions']);
    expect(headers[1]!.querySelector('.sr-only')?.textContent).toBe('Actions');
    expect(screen.getByRole('table', { name: 'Keys' })).toBeTruthy();
  });
});

describe('ListTable', () => {
  it('renders one row per item under the header, and the empty state when there are none', () => {
    const row = (name: string) => (
      <tr key={name}>
        <td>{name}</td>
      </tr>
    );
    render(<ListTable query={settled(['a', 'b'])} empty="None" caption="Names" columns={['Name']} row={row} />);
    const table = screen.getByRole('table', { name: 'Names' });
    expect([...table.querySelectorAll('tbody td')].map((td) => td.textContent)).toEqual(['a', 'b']);
    cleanup();
    render(<ListTable query={settled<string[]>([])} empty="None" caption="Names" columns={['Name']} row={row} />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('None')).toBeTruthy();
  });
});
