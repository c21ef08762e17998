/**
 * Wake-ups for other processes, at most one NOTIFY in flight per store. The engine asks for one
 * after every commit that writes a timer (each session it starts, each step it re-arms): under
 * load that was one `pg_notify` round trip per reminder (counted with bench/engine-drain.ts:
 * 1.0 of 24 statements per reminder), and each one made every listening worker run a claim.
 *
 * Requests made while a NOTIFY is in flight are merged into one that follows it and carries the
 * earliest of their times. That loses nothing: a listener woken for the earliest time claims what
 * is due then and reads the next due time from the database, which finds the later ones. Each
 * caller's promise settles once a NOTIFY covering its time has been sent (or failed).
 */
export function coalesceNotify(send: (dueAt: number) => Promise<void>): (dueAt: number) => Promise<void> {
  let inFlight = false;
  let next: { dueAt: number; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> } | null = null;

  const run = (dueAt: number): Promise<void> => {
    inFlight = true;
    return send(dueAt).finally(() => {
      inFlight = false;
      const queued = next;
      next = null;
      if (queued) {
        run(queued.dueAt).then(
          () => queued.waiters.forEach((w) => w.resolve()),
          (error: unknown) => queued.waiters.forEach((w) => w.reject(error)),
        );
      }
    });
  };

  return (dueAt) => {
    if (!inFlight) return run(dueAt);
    return new Promise<void>((resolve, reject) => {
      next ??= { dueAt, waiters: [] };
      next.dueAt = Math.min(next.dueAt, dueAt);
      next.waiters.push({ resolve, reject });
    });
  };
}
