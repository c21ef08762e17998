import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorCodeText, issueText } from '../i18n/server-messages';
import { Button } from './button';

/**
 * What went wrong in the UI language (worded from the error's code), the fields it names, the
 * server's own English message under "Details", and a way to try again. Never a stack trace.
 */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation('common');
  const { t: te } = useTranslation('errors');
  const api = error instanceof ApiError ? error : null;
  const issues = api ? issuesOf(api) : [];
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3">
      <p className="text-sm font-medium text-red-800">{title ?? t('error_title')}</p>
      <p className="mt-1 text-sm text-red-800">{api ? errorCodeText(api.code, api.status) : t('error_unknown')}</p>
      {issues.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-sm text-red-800">
          {issues.map((issue, i) => (
            <li key={i}>
              {issue.path ? <code className="mr-1 font-mono text-xs">{issue.path}</code> : null}
              {issueText(issue)}
            </li>
          ))}
        </ul>
      )}
      {api && (
        <details className="mt-1 text-xs text-red-800">
          <summary className="cursor-pointer">{te('details')}</summary>
          <p lang="en" className="mt-1 break-words">
            {te('server_said')} <span className="font-mono">{api.message}</span>
          </p>
        </details>
      )}
      {onRetry && (
        <Button size="sm" className="mt-3" onClick={onRetry}>
          {t('retry')}
        </Button>
      )}
    </div>
  );
}

/** The fields a bad request names: its details, or the one field it points at (other errors' code says it all). */
function issuesOf(error: ApiError) {
  if (error.details.length > 0) return error.details;
  return error.status === 400 && error.path ? [{ path: error.path, message: error.message }] : [];
}

/** The message to show for an error as one line: in the UI language, with the fields it names; a fallback when it is not an API error. */
export function errorMessage(error: unknown, fallback: string): string {
  if (!(error instanceof ApiError)) return fallback;
  const issues = issuesOf(error).map((issue) => (issue.path ? `${issue.path}: ${issueText(issue)}` : issueText(issue)));
  return issues.length > 0 ? `${errorCodeText(error.code, error.status)} ${issues.join('; ')}` : errorCodeText(error.code, error.status);
}

/** A form field's error from a failed request, in the UI language; undefined when the error is not about `path`. */
export function fieldErrorText(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const issue = error.details.find((d) => d.path === path) ?? (error.path === path ? { path, message: error.message } : undefined);
  if (!issue) return undefined;
  return error.details.length > 0 ? issueText(issue) : errorCodeText(error.code, error.status);
}
