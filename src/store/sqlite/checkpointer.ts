/**
 * Checkpoints a SQLite database's write-ahead log from a worker thread, so that the process's
 * main thread, which runs the API and the worker, never does it.
 *
 * In WAL mode every commit appends the pages it changed to the `-wal` file; a checkpoint copies
 * them back into the database file so the log can start over. By default SQLite checkpoints inside
 * the commit that takes the log past 1,000 pages: that commit, on the event loop, copies ~4 MB and
 * fsyncs twice. Measured side by side with inline checkpoints (BENCHMARKS.md, "Checkpoints off the
 * event loop"): batch ingest 1.18×, the worker's drain 1.13×; single-event ingest did not gain.
 *
 * Here a worker thread with a connection of its own asks SQLite every `intervalMs` whether anyone
 * committed since it last looked (`PRAGMA data_version`, read from shared memory) and, if so, runs
 * `PRAGMA wal_checkpoint(PASSIVE)`: it copies what no reader still needs, without waiting for or
 * blocking anyone. The writer restarts the log at its next transaction once everything has been
 * copied. The main connection keeps an automatic checkpoint at a much larger size as a backstop
 * (should this thread fall behind or die, the log stays bounded).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Runs a last checkpoint, closes the thread's connection and ends the thread. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  filename: string;
  busyTimeoutMs: number;
  /** How often the thread looks for new commits. Default 100 ms. */
  intervalMs?: number;
  /** Called with the message of a checkpoint that failed (the next one tries again). */
  onError?: (message: string) => void;
}

/** The thread's code, CommonJS, evaluated as is (the bundled CLI has no file of its own for it). */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { timeout: workerData.busyTimeoutMs });
let seen = -1;
function checkpoint(always) {
  try {
    const version = db.pragma('data_version', { simple: true });
    if (!always && version === seen) return;
    seen = version;
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint(true);
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

/** Starts the thread; resolves once its connection is open. */
export async function startCheckpointer(options: CheckpointerOptions): Promise<Checkpointer> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { driver, filename: options.filename, busyTimeoutMs: options.busyTimeoutMs, intervalMs: options.intervalMs ?? 100 },
  });
  let closed: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The first message is 'ready' (an error opening the connection ends the thread instead).
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      worker.off('error', reject);
      resolve();
    });
    worker.once('error', reject);
    void exited.then(() => reject(new Error('the SQLite checkpoint thread exited while starting')));
  });
  // Once running, the thread must not keep the process alive (close() is how it ends); while it
  // starts, it must, or a process with nothing else to do would exit before the store is open.
  worker.unref();
  worker.on('message', (message: unknown) => {
    if (message && typeof message === 'object' && 'error' in message) options.onError?.(String((message as { error: unknown }).error));
  });
  // An error thrown in the thread after start ends it; the backstop checkpoint in the main connection remains.
  worker.on('error', (error: unknown) =>
    options.onError?.(`the SQLite checkpoint thread stopped: ${error instanceof Error ? error.message : String(error)}`),
  );
  return {
    close() {
      closed ??= (async () => {
        // Referenced again: the process must not exit while this waits for the thread's last checkpoint.
        worker.ref();
        worker.postMessage('close');
        await exited;
      })();
      return closed;
    },
  };
}
