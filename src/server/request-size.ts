/**
 * Reads every request body in full before routing, so no answer leaves part of a body unread on a
 * keep-alive connection. @hono/node-server drains an unread body for at most 500 ms after the
 * answer and then drops the socket, so a client that reuses the connection (as keep-alive clients
 * do) would get a reset on its next request: after a 413, and after any answer that never needs
 * the body (a 401, a 404, a 409 from pausing a draft flow).
 *
 * A body over the limit is read on and discarded up to MAX_DISCARD_BYTES more, then answered 413 on
 * a connection that stays usable; a body larger still is answered 413 with `Connection: close`
 * without reading the rest, because reading it would cost more than a new connection does.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { NudgeError } from '../core/errors.js';
import { errorBody } from './error-mapping.js';

/** Bytes past the limit read and thrown away so the connection can be kept: 8 MiB. */
export const MAX_DISCARD_BYTES = 8 * 1024 * 1024;

export function readWholeBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = declaredLength(raw.headers);
    if (declared !== undefined && declared > maxBytes + MAX_DISCARD_BYTES) return tooLarge(c, maxBytes, true);
    const reader = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await readChunk(reader);
      if (done) break;
      size += value.byteLength;
      if (size <= maxBytes) chunks.push(value);
      else if (size > maxBytes + MAX_DISCARD_BYTES) {
        reader.releaseLock();
        return tooLarge(c, maxBytes, true);
      }
    }
    if (size > maxBytes) return tooLarge(c, maxBytes, false);
    c.req.raw = new Request(raw, { body: concat(chunks, size) });
    await next();
  };
}

/** Content-Length when it alone frames the body (Transfer-Encoding takes precedence over it). */
function declaredLength(headers: Headers): number | undefined {
  if (headers.has('transfer-encoding')) return undefined;
  const value = Number(headers.get('content-length') ?? Number.NaN);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

type Reader = ReadableStreamDefaultReader<Uint8Array>;

async function readChunk(reader: Reader): Promise<Awaited<ReturnType<Reader['read']>>> {
  try {
    return await reader.read();
  } catch (error) {
    // The client went away mid-body; nobody will read this answer, but it must not log as a 500.
    throw new NudgeError('invalid_request', 'the request body could not be read to its end', { status: 400, cause: error });
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(c: Context, maxBytes: number, close: boolean): Response {
  const error = new NudgeError('payload_too_large', `request body is larger than ${maxBytes} bytes`, { status: 413 });
  return c.json(errorBody(error), 413, close ? { connection: 'close' } : {});
}
