import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../../api/session';
import { AuthCard } from './auth-card';
import { TwoFactorEnrol } from './two-factor-enrol';

/** Forced when the workspace requires two-factor sign-in and this user has not set it up yet. */
export function TwoFactorSetupPage() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return (
    <AuthCard title={t('two_factor_required_title')} subtitle={t('two_factor_required_text')}>
      <TwoFactorEnrol
        onDone={() => {
          void queryClient.fetchQuery({ ...meQuery, staleTime: 0 }).then(() => navigate({ to: '/' }));
        }}
      />
    </AuthCard>
  );
}
