/**
 * `nudge users create|list|setup-link`: people who sign in to the web app, managed on the database
 * directly (like `workspaces` and `keys`), for the operator of the installation: the first owner
 * when the printed setup link is lost, or an account made from a script. Owners invite everyone
 * else from the web app. The work is in user-accounts.ts, imported when a command runs.
 */
import type { Command } from 'commander';
import { loadConfig, localUrl, type Config } from '../config.js';
import type { Store } from '../store/store.js';

type WithStore = (config: Readonly<Config>, fn: (store: Store) => Promise<void>) => Promise<void>;

const accounts = () => import('./user-accounts.js');

function baseUrl(config: Readonly<Config>): string {
  return config.publicUrl ?? localUrl(config.host, config.port);
}

export function registerUserCommands(program: Command, withStore: WithStore): void {
  const users = program.command('users').description('people who sign in to the web app');
  users
    .command('create')
    .requiredOption('--email <email>', 'their email, used to sign in')
    .requiredOption('--name <name>', 'their name')
    .option('--role <role>', 'owner (default), admin or staff', 'owner')
    .option('--workspace <id|name>', 'workspace (default: the only one)')
    .description('create an account; the password is asked without echo, or read from standard input')
    .action(async (o: { email: string; name: string; role: string; workspace?: string }) =>
      withStore(loadConfig(), async (store) => (await accounts()).createAccount(store, o)),
    );

  users
    .command('list')
    .option('--workspace <id|name>', 'workspace (default: the only one)')
    .description('list accounts')
    .action(async (o: { workspace?: string }) => withStore(loadConfig(), async (store) => (await accounts()).listAccounts(store, o.workspace)));

  users
    .command('setup-link')
    .option('--workspace <id|name>', 'workspace (default: the only one)')
    .description('print a new one-time link (valid 7 days) that creates an owner account')
    .action(async (o: { workspace?: string }) => {
      const config = loadConfig();
      await withStore(config, async (store) => (await accounts()).printSetupLink(store, o.workspace, baseUrl(config)));
    });
}
