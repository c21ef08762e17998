/**
 * What people type to get in: the bodies of sign-in, invite acceptance, password change and
 * two-factor codes, invites and API keys. Shared by the server (validation) and the
 * web app (its forms), so both say the same thing about the same field.
 */
import { z } from 'zod';
import { codedPattern } from './issue-codes.js';
import { ROLES } from './roles.js';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

const email = z.email({ message: 'expected an email address' }).trim().max(254);
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `use at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { message: `use at most ${MAX_PASSWORD_LENGTH} characters` });
const code = z.string().trim().regex(codedPattern(/^\d{6}$/, 'six_digits'), { message: 'expected the 6-digit code from your authenticator app' });

export const signInSchema = z
  .object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(MAX_PASSWORD_LENGTH), code: code.optional() })
  .strict();

export const acceptInviteSchema = z.object({ email, name: z.string().trim().min(1).max(100), password }).strict();

export const changePasswordSchema = z.object({ current_password: z.string().min(1).max(MAX_PASSWORD_LENGTH), new_password: password }).strict();

export const twoFactorCodeSchema = z.object({ code }).strict();

export const roleSchema = z.enum(ROLES);

export const newInviteSchema = z.object({ role: roleSchema, email: email.optional() }).strict();

export const userChangesSchema = z.object({ role: roleSchema }).strict();

export const newApiKeySchema = z.object({ name: z.string().trim().min(1).max(100), role: roleSchema.default('admin') }).strict();
