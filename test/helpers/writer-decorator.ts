/**
 * A session writer that passes everything on to `writer` except what `over` replaces: how a test
 * watches or disturbs what the engine writes (put it in `engine.ctx.writer`), without reaching
 * into the writer's internals.
 */
import type { SessionWriter } from '../../src/engine/session-writer/session-writer.js';

export function decorateWriter(writer: SessionWriter, over: Partial<Pick<SessionWriter, 'admit' | 'commit'>>): SessionWriter {
  return {
    admit: over.admit ?? ((starts, checks) => writer.admit(starts, checks)),
    release: (start) => writer.release(start),
    get unwritten() {
      return writer.unwritten;
    },
    commit: over.commit ?? ((write) => writer.commit(write)),
    settleTimer: (timer, next) => writer.settleTimer(timer, next),
    dropTimers: (timers) => writer.dropTimers(timers),
    abandon: (timer, reason, now) => writer.abandon(timer, reason, now),
    cancelMany: (work, where, status, reason, now) => writer.cancelMany(work, where, status, reason, now),
    start: (work, inputs, options) => writer.start(work, inputs, options),
    mayRearm: (session) => writer.mayRearm(session),
    rearm: (work, rearm) => writer.rearm(work, rearm),
    moveWait: (work, move) => writer.moveWait(work, move),
  };
}
