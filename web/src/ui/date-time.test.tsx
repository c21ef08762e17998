import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DateTime, formatDateTime, FormatProvider } from './date-time';

describe('formatDateTime', () => {
  const at = '2026-03-29T00:30:00.000Z';

  it('formats in the workspace time zone, not the browser’s', () => {
    expect(formatDateTime(at, { timeZone: 'Asia/Taipei', locale: 'en-GB' })).toBe('29 Mar 2026, 08:30');
    expect(formatDateTime(at, { timeZone: 'America/New_York', locale: 'en-GB' })).toBe('28 Mar 2026, 20:30');
  });

  it('formats in the UI language', () => {
    expect(formatDateTime(at, { timeZone: 'Asia/Taipei', locale: 'zh-TW' }, 'date')).toBe('2026年3月29日');
    expect(formatDateTime(at, { timeZone: 'Asia/Shanghai', locale: 'zh-CN' }, 'date')).toBe('2026年3月29日');
  });

  it('shows a dash for missing or invalid times', () => {
    expect(formatDateTime(null, { timeZone: 'UTC', locale: 'en' })).toBe('—');
    expect(formatDateTime('not a time', { timeZone: 'UTC', locale: 'en' })).toBe('—');
  });
});

describe('DateTime', () => {
  it('renders a time element with the exact UTC time', () => {
    render(
      <FormatProvider timeZone="Europe/London" locale="en-GB">
        <DateTime value="2026-07-01T12:00:00.000Z" />
      </FormatProvider>,
    );
    const time = screen.getByText('1 Jul 2026, 13:00');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe('2026-07-01T12:00:00.000Z');
  });
});
