// Applications: every relying party with its protocol, metadata URL and callbacks, the IdP's own
// endpoints (JWKS, discovery, metadata) to copy, and forms to create a SAML application from pasted
// SP metadata or a WS-Fed application from a realm and callback. Creation goes through ClientService
// (validation and audit as for the Management API); a refused form comes back with its message.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { Application } from '../../clients/types.js';
import { FedmetaError, invalidBody } from '../../errors.js';
import { optionalString } from '../body.js';
import { adminActor, dashboardState } from './guard.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';
import type { Config } from '../../config.js';
import { pathFor, urlFor } from '../../route-paths.js';
import { samlMetadataUrl } from '../../published/saml-metadata.js';
import { wsfedMetadataUrl } from '../../published/wsfed-metadata.js';

/** One application as the Applications page lists it. */
export function applicationRow(app: Application, config: Config) {
  return {
    clientId: app.clientId,
    name: app.name,
    created: formatDate(app.createdAt),
    callbacks: app.callbacks,
    samlp: app.addons.samlp ? { audience: app.addons.samlp.audience, metadataUrl: samlMetadataUrl(config, app.clientId) } : undefined,
    wsfed: app.addons.wsfed ? { realm: app.addons.wsfed.realm, metadataUrl: wsfedMetadataUrl(config, app.clientId) } : undefined,
  };
}

/** The IdP-wide URLs relying parties are configured with. */
export function idpEndpoints(config: Config) {
  return [
    { label: 'JWKS URL', url: urlFor(config, 'jwks') },
    { label: 'OpenID configuration', url: urlFor(config, 'openid-configuration') },
    { label: 'SAML IdP metadata', url: samlMetadataUrl(config) },
    { label: 'WS-Fed federation metadata', url: wsfedMetadataUrl(config) },
  ];
}

/** API field names in validation messages, as the WS-Fed form labels them. */
const WSFED_FIELDS: [RegExp, string][] = [
  [/^name\b/, 'The name'],
  [/callbacks\[0\]/, 'The callback URL'],
  [/addons\.wsfed\.realm/, 'The realm'],
  [/addons\.wsfed\.tokenFormat/, 'The token format'],
  [/addons\.wsfed\.certificateDelivery/, 'How it gets certificates'],
];

/** A validation failure (4xx) is shown on the form; anything else is a real error. */
function formError(error: unknown, fields: [RegExp, string][] = []): string {
  if (!(error instanceof FedmetaError) || error.status >= 500) throw error;
  return fields.reduce((message, [pattern, label]) => message.replace(pattern, label), error.message);
}

export function applicationHandlers({ clients, config }: AppDeps, pages: DashboardPages) {
  const created = (ctx: Context, app: Application) =>
    pages.redirect(ctx, pathFor('dashboard-applications'), 'ok', `Application "${app.name}" created (client_id ${app.clientId}).`);

  return {
    list: async (ctx: Context) => {
      const apps = (await clients.list()).map((app) => applicationRow(app, config));
      pages.render(ctx, 'applications.html', 'applications', { title: 'Applications', apps, endpoints: idpEndpoints(config) });
    },

    newSaml: (ctx: Context) => pages.render(ctx, 'new-saml.html', 'applications', { title: 'New SAML application', values: {} }),

    createSaml: async (ctx: Context) => {
      const form = dashboardState(ctx).form;
      const values = {
        name: optionalString(form, 'name') ?? '',
        metadata: optionalString(form, 'metadata') ?? '',
        // Ticked: IdP-initiated sign-in off; unticked: the default (on, off for an SP that signs its requests).
        refuseIdpInitiated: optionalString(form, 'refuseIdpInitiated') === 'on',
        certificateDelivery: optionalString(form, 'certificateDelivery') ?? 'metadata',
      };
      try {
        if (!values.metadata.trim()) throw invalidBody("Paste the service provider's SAML metadata XML");
        const idpInitiated = values.refuseIdpInitiated ? false : undefined;
        created(ctx, await clients.createFromSpMetadata(values.metadata, adminActor(ctx), values.name.trim() || undefined, idpInitiated, values.certificateDelivery));
      } catch (error) {
        pages.render(ctx, 'new-saml.html', 'applications', { title: 'New SAML application', values, error: formError(error) }, 400);
      }
    },

    newWsfed: (ctx: Context) => pages.render(ctx, 'new-wsfed.html', 'applications', { title: 'New WS-Fed application', values: { tokenFormat: 'saml11', certificateDelivery: 'metadata' } }),

    createWsfed: async (ctx: Context) => {
      const form = dashboardState(ctx).form;
      const values = {
        name: optionalString(form, 'name') ?? '',
        realm: optionalString(form, 'realm') ?? '',
        callback: optionalString(form, 'callback') ?? '',
        tokenFormat: optionalString(form, 'tokenFormat') ?? 'saml11',
        certificateDelivery: optionalString(form, 'certificateDelivery') ?? 'metadata',
      };
      const wsfed = { realm: values.realm, tokenFormat: values.tokenFormat, certificateDelivery: values.certificateDelivery };
      const body = { name: values.name, callbacks: [values.callback.trim()], addons: { wsfed } };
      try {
        created(ctx, await clients.create(body, adminActor(ctx)));
      } catch (error) {
        pages.render(ctx, 'new-wsfed.html', 'applications', { title: 'New WS-Fed application', values, error: formError(error, WSFED_FIELDS) }, 400);
      }
    },
  };
}
