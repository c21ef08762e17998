import { anchorTime, applyOffset } from './appointment-timing.js';
import type { CompiledWait } from './flow-compiler.js';

/**
 * When a wait step ends: `duration` counts from when the step was entered (calendar days keep
 * wall-clock time in `zone`), `time` is absolute, `appointment` follows the appointment's current
 * times. Null when the wait is relative to an appointment the session does not have.
 */
export function waitTarget(
  wait: CompiledWait,
  enteredAt: number,
  appointment: { start_at: number; end_at: number } | undefined,
  zone: string,
): number | null {
  if (wait.type === 'time') return wait.at;
  if (wait.type === 'duration') return applyOffset(enteredAt, `+${wait.duration}`, zone);
  if (!appointment) return null;
  return anchorTime(appointment, wait.anchor, wait.offset, zone);
}
