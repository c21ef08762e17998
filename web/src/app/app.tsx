import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ApiError, setOnUnauthorized } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { createAppRouter } from './router';

function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // Client errors (bad filter, not found, forbidden) will not change by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: true,
      },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createAppRouter(queryClient));
  useEffect(() => {
    // A session that ended elsewhere (sign-out everywhere, expiry): forget the user and go to sign-in.
    setOnUnauthorized(() => {
      queryClient.removeQueries({ queryKey: queryKeys.me() });
      const here = router.state.location.href;
      if (!here.startsWith('/sign-in')) void router.navigate({ to: '/sign-in', search: { next: here } });
    });
    return () => setOnUnauthorized(null);
  }, [queryClient, router]);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
