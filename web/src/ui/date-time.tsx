import { createContext, useContext, type ReactNode } from 'react';

interface FormatSettings {
  /** IANA zone, e.g. the workspace's "Europe/Stockholm". */
  timeZone: string;
  /** BCP 47 tag of the UI language. */
  locale: string;
}

const FormatContext = createContext<FormatSettings>({ timeZone: 'UTC', locale: 'en' });

export function FormatProvider({ timeZone, locale, children }: FormatSettings & { children: ReactNode }) {
  return <FormatContext.Provider value={{ timeZone, locale }}>{children}</FormatContext.Provider>;
}

export function useFormat(): FormatSettings {
  return useContext(FormatContext);
}

/** Formats an ISO time in the workspace's zone and the UI's language; invalid or empty values give "—". */
export function formatDateTime(value: string | null | undefined, settings: FormatSettings, style: 'datetime' | 'date' = 'datetime'): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  try {
    return new Intl.DateTimeFormat(settings.locale, {
      timeZone: settings.timeZone,
      dateStyle: 'medium',
      ...(style === 'datetime' ? { timeStyle: 'short' } : {}),
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** A `<time>` element showing an ISO time in the workspace's zone; the exact UTC time is its title. */
export function DateTime({ value, style = 'datetime' }: { value: string | null | undefined; style?: 'datetime' | 'date' }) {
  const settings = useFormat();
  if (!value) return <span>—</span>;
  return (
    <time dateTime={value} title={value} className="whitespace-nowrap">
      {formatDateTime(value, settings, style)}
    </time>
  );
}
