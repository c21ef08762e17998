/**
 * What a zod issue means, in the user's language. The shared schemas carry English messages for
 * API clients; a form shows the catalog message (namespace `forms`) for the issue's code instead.
 */
import type { TFunction } from 'i18next';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

export function issueMessage(issue: Issue, t: TFunction<'forms'>): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves `input` out of issues unless asked; its message names what it received.
      if (/received undefined$/.test(issue.message)) return t('required');
      return issue.expected === 'int' ? t('whole_number') : issue.expected === 'number' ? t('number') : t('invalid');
    case 'too_small':
      return tooSmall(issue, t);
    case 'too_big':
      return issue.origin === 'string' ? t('too_long', { maximum: Number(issue.maximum) }) : t('number_max', { maximum: Number(issue.maximum) });
    case 'invalid_format':
      return formatMessage(issue.format, t);
    case 'invalid_value':
      return t('choose');
    case 'custom':
      return formatMessage(typeof issue.params?.format === 'string' ? issue.params.format : '', t);
    default:
      return t('invalid');
  }
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>, t: TFunction<'forms'>): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === 'string') return minimum <= 1 ? t('required') : t('too_short', { minimum });
  return issue.inclusive === false ? t('number_gt', { minimum }) : t('number_min', { minimum });
}

/** Formats named by `invalid_format` issues, or by a refinement's `params.format`. */
function formatMessage(format: string, t: TFunction<'forms'>): string {
  if (format === 'email') return t('email');
  if (format === '') return t('invalid');
  return t('format');
}
