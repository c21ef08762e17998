import { useTranslation } from 'react-i18next';

/** Channel ids the app names in the UI language (catalog `common`, `channels.<id>`). */
const CHANNEL_IDS = new Set(['email', 'webhook', 'slack', 'klaviyo', 'omnisend', 'sms', 'whatsapp', 'telegram']);

/** A channel's name in the UI language for its id (`sms` → "短信（Twilio）"); an id this build does not know is shown as the API wrote it. */
export function useChannelName(): (id: string) => string {
  const { t } = useTranslation('common');
  return (id) => (CHANNEL_IDS.has(id) ? t(`channels.${id}`) : id);
}
