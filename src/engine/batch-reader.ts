import { AsyncResource } from 'node:async_hooks';

/**
 * Reads by id, coalesced: every `get` asked for in the same turn of the event loop is answered by
 * one `in (…)` statement at the end of that turn (the DataLoader pattern, without its cache: each
 * turn reads afresh). Sessions that a batch of fired triggers started all re-read their
 * appointment just before sending; this makes that one statement per batch instead of one each.
 *
 * Reads go to the store's pool, outside any transaction, and are as fresh as the moment the turn
 * ends, which is after every caller asked.
 */
export class BatchReader<V> {
  /**
   * Runs in the async context the reader was made in (an engine's, outside any transaction), not
   * in that of whichever caller came first: SQLite's store refuses its pool inside a transaction.
   */
  private readonly flushLater = AsyncResource.bind(() => void this.flush());
  private pending = new Map<string, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;

  constructor(
    /** Reads the rows with these ids (any order, missing ones left out). */
    private readonly load: (ids: string[]) => Promise<V[]>,
    private readonly idOf: (row: V) => string,
    /** Most ids in one statement. */
    private readonly maxBatch = 256,
  ) {}

  get(id: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      let waiters = this.pending.get(id);
      if (!waiters) this.pending.set(id, (waiters = []));
      waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flushLater);
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += this.maxBatch) {
      const chunk = ids.slice(i, i + this.maxBatch);
      try {
        const rows = new Map((await this.load(chunk)).map((r) => [this.idOf(r), r]));
        for (const id of chunk) for (const w of batch.get(id)!) w.resolve(rows.get(id));
      } catch (error) {
        for (const id of chunk) for (const w of batch.get(id)!) w.reject(error);
      }
    }
  }
}
