/**
 * Form errors are kept as what went wrong, not as text: react-hook-form holds a string per error,
 * so that string is a description (a zod issue, a failed request, a catalog key), and the field
 * words it when it renders. Switching the language then re-words every error already shown.
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ApiError, type ApiIssue } from '../api/client';
import { errorMessage, fieldErrorText } from './error-state';
import { issueMessage } from './form-messages';

/** Marks a described message (a text a person typed or a catalog wording never starts with it). */
const MARK = '\u0001';

interface ApiErrorJson {
  status: number;
  code: string;
  message: string;
  path?: string | undefined;
  details: ApiIssue[];
}

type Description =
  | { zod: z.core.$ZodIssue }
  | { api: ApiErrorJson; field?: string }
  | { key: string; params?: Record<string, string | number> };

function encode(description: Description): string {
  return MARK + JSON.stringify(description);
}

/** A zod issue, worded from the `forms` catalog when shown. */
export const describeIssue = (issue: z.core.$ZodIssue): string => encode({ zod: issue });

/** A failed request: on `field`, the issue naming it; else the whole failure. */
export function describeFailure(error: ApiError, field?: string): string {
  const api = { status: error.status, code: error.code, message: error.message, path: error.path, details: error.details };
  return encode(field === undefined ? { api } : { api, field });
}

/** A `forms` catalog wording, with its params. */
export const describeKey = (key: string, params?: Record<string, string | number>): string => encode(params ? { key, params } : { key });

/** The text of a form error in the current language: a described one worded now, any other as it is. */
export function formErrorText(message: string | undefined, t: TFunction<'forms'>): string | undefined {
  if (!message?.startsWith(MARK)) return message;
  const description = JSON.parse(message.slice(MARK.length)) as Description;
  if ('zod' in description) return issueMessage(description.zod, t);
  if ('key' in description) return t(description.key, description.params ?? {});
  const { status, code, message: english, path, details } = description.api;
  const error = new ApiError(status, code, english, path, details);
  if (description.field !== undefined) return fieldErrorText(error, description.field) ?? english;
  return errorMessage(error, t('failed'));
}
