/**
 * The route tree, code-based. Pages are loaded lazily so each is its own chunk (the editor and the
 * charts stay out of the first load). Routes under `signedIn` wait for `GET /v1/auth/me`: a 401 sends
 * the user to sign-in (and back afterwards), a pending required two-factor setup to that page.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { RouterHistory } from '@tanstack/react-router';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { ApiError } from '../api/client';
import { meQuery } from '../api/session';
import { NotFoundPage } from './not-found';
import { RouteError } from './route-error';

interface RouterContext {
  queryClient: QueryClient;
}

/** Search parameters kept as strings: pages read their filters from the URL so they survive reloads and links. */
export function stringSearch(search: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(search)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteError,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: stringSearch,
  component: lazyRouteComponent(() => import('../features/auth/sign-in-page'), 'SignInPage'),
});
const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: stringSearch,
  component: lazyRouteComponent(() => import('../features/auth/accept-invite-page'), 'SetupPage'),
});
const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite',
  validateSearch: stringSearch,
  component: lazyRouteComponent(() => import('../features/auth/accept-invite-page'), 'InvitePage'),
});

async function loadMe(queryClient: QueryClient, href: string) {
  try {
    return await queryClient.ensureQueryData(meQuery);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw redirect({ to: '/sign-in', search: { next: href } });
    throw error;
  }
}

const twoFactorSetupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/two-factor-setup',
  beforeLoad: async ({ context, location }) => {
    await loadMe(context.queryClient, location.href);
  },
  component: lazyRouteComponent(() => import('../features/auth/two-factor-setup-page'), 'TwoFactorSetupPage'),
});

const signedIn = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    const me = await loadMe(context.queryClient, location.href);
    if (me.two_factor_setup_required) throw redirect({ to: '/two-factor-setup' });
  },
  // The shell (navigation, menus, their Radix parts) is its own chunk: the sign-in page does without it.
  component: lazyRouteComponent(() => import('./layout'), 'AppLayout'),
  errorComponent: RouteError,
});

/** A page under the signed-in layout, with its own error view. */
function page<const P extends string>(path: P, component: ReturnType<typeof lazyRouteComponent>) {
  return createRoute({ getParentRoute: () => signedIn, path, component, errorComponent: RouteError, validateSearch: stringSearch });
}

const homeRoute = page('/', lazyRouteComponent(() => import('../features/home/home-page'), 'HomePage'));
const flowsRoute = page('/flows', lazyRouteComponent(() => import('../features/flows/flows-page'), 'FlowsPage'));
const presetsRoute = page('/flows/presets', lazyRouteComponent(() => import('../features/flows/presets-page'), 'PresetsPage'));
const flowRoute = page('/flows/$flowId', lazyRouteComponent(() => import('./flow-route'), 'FlowRoute'));
const sessionsRoute = page('/sessions', lazyRouteComponent(() => import('../features/sessions/sessions-page'), 'SessionsPage'));
const sessionRoute = page('/sessions/$sessionId', lazyRouteComponent(() => import('../features/sessions/session-page'), 'SessionPage'));
const contactsRoute = page('/contacts', lazyRouteComponent(() => import('../features/contacts/contacts-page'), 'ContactsPage'));
const contactRoute = page('/contacts/$contactId', lazyRouteComponent(() => import('../features/contacts/contact-page'), 'ContactPage'));
const appointmentsRoute = page('/appointments', lazyRouteComponent(() => import('../features/contacts/appointments-page'), 'AppointmentsPage'));
const appointmentRoute = page('/appointments/$appointmentId', lazyRouteComponent(() => import('../features/contacts/appointment-page'), 'AppointmentPage'));
const deliveriesRoute = page('/deliveries', lazyRouteComponent(() => import('../features/deliveries/deliveries-page'), 'DeliveriesPage'));
const deliveryRoute = page('/deliveries/$deliveryId', lazyRouteComponent(() => import('../features/deliveries/delivery-page'), 'DeliveryPage'));
const outboxRoute = page('/outbox', lazyRouteComponent(() => import('../features/deliveries/outbox-page'), 'OutboxPage'));
const analyticsRoute = page('/analytics', lazyRouteComponent(() => import('../features/analytics/analytics-page'), 'AnalyticsPage'));

const settingsRoute = createRoute({ getParentRoute: () => signedIn, path: '/settings', component: lazyRouteComponent(() => import('./settings-layout'), 'SettingsLayout'), errorComponent: RouteError });
function settingsPage<const P extends string>(path: P, component: ReturnType<typeof lazyRouteComponent>) {
  return createRoute({ getParentRoute: () => settingsRoute, path, component, errorComponent: RouteError });
}
const settingsWorkspace = settingsPage('/', lazyRouteComponent(() => import('../features/settings/workspace-settings'), 'WorkspaceSettings'));
const settingsUsers = settingsPage('/users', lazyRouteComponent(() => import('../features/settings/users-settings'), 'UsersSettings'));
const settingsKeys = settingsPage('/api-keys', lazyRouteComponent(() => import('../features/settings/api-keys-settings'), 'ApiKeysSettings'));
const settingsSecrets = settingsPage('/secrets', lazyRouteComponent(() => import('../features/settings/secrets-settings'), 'SecretsSettings'));
const settingsSources = settingsPage('/sources', lazyRouteComponent(() => import('../features/settings/sources-settings'), 'SourcesSettings'));
const settingsSecurity = settingsPage('/security', lazyRouteComponent(() => import('../features/auth/security-settings'), 'SecuritySettings'));
const settingsAudit = settingsPage('/audit-log', lazyRouteComponent(() => import('../features/settings/audit-log-settings'), 'AuditLogSettings'));

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  inviteRoute,
  twoFactorSetupRoute,
  signedIn.addChildren([
    homeRoute,
    flowsRoute,
    presetsRoute,
    flowRoute,
    sessionsRoute,
    sessionRoute,
    contactsRoute,
    contactRoute,
    appointmentsRoute,
    appointmentRoute,
    deliveriesRoute,
    deliveryRoute,
    outboxRoute,
    analyticsRoute,
    settingsRoute.addChildren([settingsWorkspace, settingsUsers, settingsKeys, settingsSecrets, settingsSources, settingsSecurity, settingsAudit]),
  ]),
]);

export function createAppRouter(queryClient: QueryClient, history?: RouterHistory) {
  return createRouter({
    routeTree,
    ...(history ? { history } : {}),
    context: { queryClient },
    defaultPreload: 'intent',
    defaultNotFoundComponent: NotFoundPage,
    defaultErrorComponent: RouteError,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
