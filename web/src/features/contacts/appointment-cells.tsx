import { Link } from '@tanstack/react-router';
import { DateTime } from '../../ui/date-time';
import { StatusBadge } from '../../ui/status-badge';
import { Td } from '../../ui/table';
import type { Appointment } from './records-api';

/** An appointment's first cells in any list of appointments: its start (a link to it), status and booking id. */
export function AppointmentCells({ appointment: a }: { appointment: Pick<Appointment, 'id' | 'start_at' | 'status' | 'external_id'> }) {
  return (
    <>
      <Td>
        <Link to="/appointments/$appointmentId" params={{ appointmentId: a.id }} className="font-medium text-indigo-700 hover:underline">
          <DateTime value={a.start_at} />
        </Link>
      </Td>
      <Td>
        <StatusBadge status={a.status} />
      </Td>
      <Td className="font-mono text-xs">{a.external_id}</Td>
    </>
  );
}
