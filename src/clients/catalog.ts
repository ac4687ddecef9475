// Applications held in memory, reloaded when the store's `clients` counter moves: SSO look-ups
// and per-application metadata never wait on the database.
import type { ApplicationStore, ApplicationsVersion } from './application-store.js';
import type { Application } from './types.js';

export class ApplicationCatalog {
  private version = -1;
  private byId = new Map<string, Application>();
  private byAudience = new Map<string, Application>();
  private byRealm = new Map<string, Application>();
  private refreshing: Promise<void> | undefined;

  constructor(private readonly store: Pick<ApplicationStore, 'listApplications'> & ApplicationsVersion) {}

  get(clientId: string): Application | undefined {
    return this.byId.get(clientId);
  }

  bySamlAudience(audience: string): Application | undefined {
    return this.byAudience.get(audience);
  }

  byWsfedRealm(realm: string): Application | undefined {
    return this.byRealm.get(realm);
  }

  all(): Application[] {
    return [...this.byId.values()];
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const { clients: version } = await this.store.versions();
    if (version === this.version) return;
    const apps = await this.store.listApplications();
    this.byId = new Map(apps.map((app) => [app.clientId, app]));
    this.byAudience = new Map(apps.filter((app) => app.addons.samlp).map((app) => [app.addons.samlp!.audience, app]));
    this.byRealm = new Map(apps.filter((app) => app.addons.wsfed).map((app) => [app.addons.wsfed!.realm, app]));
    this.version = version;
  }
}
