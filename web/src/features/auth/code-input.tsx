import type { ComponentProps, FormEvent } from 'react';
import { Input } from '../../ui/input';

/** Keeps only the digits someone types or pastes into a code field ("123 456" → "123456"). */
function digitsOnly(event: FormEvent<HTMLInputElement>) {
  const input = event.currentTarget;
  input.value = input.value.replace(/\D/g, '');
}

/** The 6-digit code from an authenticator app. */
export function CodeInput(props: ComponentProps<'input'>) {
  return <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} onInput={digitsOnly} {...props} />;
}
