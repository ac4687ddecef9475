// Application operations shared by the Management API, the dashboard and the CLI.
import type { ApplicationStore } from './application-store.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { type Actor } from '../audit/types.js';
import { notFound } from '../errors.js';
import { parseApplication } from './validate.js';
import type { Application } from './types.js';
import { applicationFromSpMetadata, parseSpMetadata } from '../saml/sp-metadata.js';
import { NAMEID_FORMATS } from '../xml/namespaces.js';

export class ClientService {
  constructor(private readonly deps: { store: ApplicationStore; clock: Clock; ids: Pick<Ids, 'clientId'>; afterChange?: () => Promise<unknown> }) {}

  list(): Promise<Application[]> {
    return this.deps.store.listApplications();
  }

  async get(clientId: string): Promise<Application> {
    const app = await this.deps.store.getApplication(clientId);
    if (!app) throw notFound(`No application with client_id "${clientId}"`);
    return app;
  }

  async create(body: Record<string, unknown>, actor: Actor): Promise<Application> {
    const fields = parseApplication(body);
    const now = this.deps.clock.now();
    const app: Application = { clientId: this.deps.ids.clientId(), ...fields, createdAt: now, updatedAt: now };
    await this.deps.store.saveApplication(app, {
      event: 'client_created',
      description: `Created application "${app.name}"`,
      actor,
      details: { client_id: app.clientId, protocols: Object.keys(app.addons) },
    });
    await this.deps.afterChange?.();
    return app;
  }

  /** A SAML application from an SP's metadata XML (name defaults to the entityID's host; idpInitiated to the rule in validate.ts). */
  createFromSpMetadata(xml: string, actor: Actor, name?: string, idpInitiated?: boolean, certificateDelivery?: string): Promise<Application> {
    const body = applicationFromSpMetadata(parseSpMetadata(xml, this.deps.clock.now()), name, Object.values(NAMEID_FORMATS), idpInitiated);
    if (certificateDelivery) body.addons.samlp.certificateDelivery = certificateDelivery;
    return this.create(body, actor);
  }

  async update(clientId: string, body: Record<string, unknown>, actor: Actor): Promise<Application> {
    const existing = await this.get(clientId);
    const app: Application = { ...existing, ...parseApplication(body, existing), updatedAt: this.deps.clock.now() };
    await this.deps.store.saveApplication(app, {
      event: 'client_updated',
      description: `Updated application "${app.name}"`,
      actor,
      details: { client_id: clientId, fields: Object.keys(body) },
    });
    await this.deps.afterChange?.();
    return app;
  }

  async remove(clientId: string, actor: Actor): Promise<void> {
    const app = await this.get(clientId);
    const now = this.deps.clock.now();
    await this.deps.store.deleteApplication(clientId, { event: 'client_deleted', description: `Deleted application "${app.name}"`, actor, details: { client_id: clientId } }, now);
    await this.deps.afterChange?.();
  }
}
