/** PostgreSQL migrations in the order they apply. Append only; never edit one that has shipped. */
import type { Migration } from '../../migrator.js';
import { initial } from './001-initial.js';
import { secrets } from './002-secrets.js';
import { dropTimersSessionIndex } from './003-drop-timers-session-index.js';
import { workspaceCountry } from './004-workspace-country.js';
import { skips } from './005-skips.js';
import { workspaceFlowLimitNullable } from './006-workspace-flow-limit-nullable.js';
import { access } from './007-access.js';
import { dashboardIndexes } from './008-dashboard-indexes.js';
import { listSearch } from './009-list-search.js';
import { changeMarks } from './010-change-marks.js';
import { sources } from './011-sources.js';
import { sourceCredentials } from './012-source-credentials.js';
import { dataRights } from './013-data-rights.js';
import { sessionsFlowOrder } from './014-sessions-flow-order.js';
import { signInFailures } from './015-sign-in-failures.js';

export const postgresMigrations: readonly Migration[] = [initial, secrets, dropTimersSessionIndex, workspaceCountry, skips, workspaceFlowLimitNullable, access, dashboardIndexes, listSearch, changeMarks, sources, sourceCredentials, dataRights, sessionsFlowOrder, signInFailures];
