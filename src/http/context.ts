// What every handler may use: the dependencies passed to createApp.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Keyring } from '../keys/keyring.js';
import type { KeyService } from '../keys/service.js';
import type { Store } from '../store/store.js';
import type { ClientService } from '../clients/service.js';
import type { UserService } from '../users/service.js';
import type { ApplicationCatalog } from '../clients/catalog.js';
import type { Csrf } from '../auth/csrf.js';

export interface AppDeps {
  config: Config;
  store: Store;
  keyring: Keyring;
  keys: KeyService;
  clock: Clock;
  clients: ClientService;
  catalog: ApplicationCatalog;
  users: UserService;
  csrf: Csrf;
}
