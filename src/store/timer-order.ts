/**
 * The order in which claimed timers are handed to the engine, the same on both dialects:
 * by the time they were meant to fire, then by id (byte order, as PostgreSQL's `COLLATE "C"`).
 */
import type { TimerRow } from './schema.js';

export function compareTimersBySchedule(a: TimerRow, b: TimerRow): number {
  if (a.scheduled_at !== b.scheduled_at) return a.scheduled_at - b.scheduled_at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
