/**
 * The OpenAPI paths of getting in and managing people: sign-in, invites, the signed-in user,
 * users, invites and the audit log. Merged into the document by openapi.ts; the request schemas
 * are the zod schemas the routes validate with.
 */
import { acceptInviteSchema, changePasswordSchema, newInviteSchema, signInSchema, twoFactorCodeSchema, userChangesSchema } from '../core/account-input.js';
import { body, error, noContent, ok, param, type Json } from './openapi-parts.js';
import { queryParameters } from './query-params.js';
import { AUDIT_LIST_QUERY } from './routes/users.js';

const signedIn = { '401': error('Not signed in'), '403': error('Wrong CSRF token, or two-factor setup required') };
const owner = { '401': error('Missing or invalid credentials'), '403': error('Not an owner'), '404': error('Not found (or another workspace’s)') };
const me = 'The signed-in user: { user, workspace, csrf_token, two_factor_setup_required }; sets the nudge_session cookie';

export const accessPaths: Json = {
  '/v1/auth/invites/{token}': {
    get: { summary: 'What an invite or setup link offers: kind, role, workspace name, email, expiry', security: [], parameters: [param('token')], responses: { '200': ok('The invite'), '404': error('Unknown, used or expired') } },
  },
  '/v1/auth/invites/{token}/accept': {
    post: {
      summary: 'Create the account an invite offers and sign in',
      security: [],
      parameters: [param('token')],
      requestBody: body(acceptInviteSchema, { email: 'zoe@example.com', name: 'Zoë', password: 'correct horse battery' }),
      responses: { '201': ok(me), '400': error('Invalid input'), '404': error('Unknown, used or expired'), '409': error('Email taken') },
    },
  },
  '/v1/auth/sign-in': {
    post: {
      summary: 'Sign in with email and password (and the 6-digit code when two-factor is on)',
      security: [],
      requestBody: body(signInSchema, { email: 'zoe@example.com', password: 'correct horse battery' }),
      responses: { '200': ok(me), '400': error('Invalid input'), '401': error('invalid_credentials, two_factor_required or invalid_code'), '429': error('Too many failed attempts; see Retry-After') },
    },
  },
  '/v1/auth/me': { get: { summary: 'The signed-in user, their workspace and the CSRF token for writes', responses: { '200': ok(me), ...signedIn } } },
  '/v1/auth/sign-out': { post: { summary: 'End this session', responses: { ...noContent, ...signedIn } } },
  '/v1/auth/sign-out-everywhere': { post: { summary: 'End every session of the signed-in user', responses: { ...noContent, ...signedIn } } },
  '/v1/auth/password': { post: { summary: 'Change the password (ends the user’s other sessions)', requestBody: body(changePasswordSchema), responses: { ...noContent, '400': error('Invalid input'), ...signedIn } } },
  '/v1/auth/two-factor/setup': { post: { summary: 'A new authenticator secret and its otpauth:// URL; two-factor stays off until enabled', responses: { '200': ok('{ secret, otpauth_url }'), ...signedIn } } },
  '/v1/auth/two-factor/enable': { post: { summary: 'Turn two-factor sign-in on with a code from the new secret', requestBody: body(twoFactorCodeSchema), responses: { ...noContent, '400': error('Wrong code'), '409': error('Not set up'), ...signedIn } } },
  '/v1/auth/two-factor/disable': { post: { summary: 'Turn two-factor sign-in off with a current code', requestBody: body(twoFactorCodeSchema), responses: { ...noContent, '400': error('Wrong code'), '409': error('Required by the workspace'), ...signedIn } } },
  '/v1/users': { get: { summary: 'The workspace’s users (owner)', responses: { '200': ok('Users'), ...owner } } },
  '/v1/users/{id}': {
    patch: { summary: 'Change a user’s role (owner; a workspace keeps at least one owner)', parameters: [param('id')], requestBody: body(userChangesSchema), responses: { '200': ok('The user'), '400': error('Invalid input'), ...owner, '409': error('last_owner') } },
    delete: { summary: 'Remove a user and end their sessions (owner; not the last owner)', parameters: [param('id')], responses: { '200': ok('The removed user'), ...owner, '409': error('last_owner') } },
  },
  '/v1/invites': {
    get: { summary: 'Pending invites (owner); their links are shown only when created', responses: { '200': ok('Invites'), ...owner } },
    post: { summary: 'Invite someone with a role (owner): the link is in the answer only this once, valid 7 days', requestBody: body(newInviteSchema, { role: 'staff' }), responses: { '201': ok('The invite with url and token'), '400': error('Invalid input'), ...owner } },
  },
  '/v1/invites/{id}': { delete: { summary: 'Withdraw a pending invite (owner)', parameters: [param('id')], responses: { ...noContent, ...owner } } },
  '/v1/audit-log': {
    get: { summary: 'Who changed flows, keys, secrets, users and settings, newest first (owner)', parameters: queryParameters(AUDIT_LIST_QUERY), responses: { '200': ok('Audit entries and next_cursor'), ...owner } },
  },
};
