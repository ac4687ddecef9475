// Rollover readiness as a service for the Management API, the dashboard and the CLI: the report,
// the acknowledgement of a manual upload, and rotation with warnings (or, in strict mode, a refusal
// unless forced). Emergency rotate-and-revoke is never refused: stopping a compromised key comes first.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import { type Actor } from '../audit/types.js';
import type { Application } from '../clients/types.js';
import type { KeyChangeResult, KeyService, RotateOptions } from '../keys/service.js';
import type { Store } from '../store/store.js';
import { wsfedMetadataUrl } from '../published/wsfed-metadata.js';
import { samlMetadataUrl } from '../published/saml-metadata.js';
import { invalidBody, keyStateConflict, notFound, rolloverNotReady } from '../errors.js';
import { buildRolloverReport, certificateDelivery, type RolloverReport } from './report.js';
import type { SightingRecorder } from './sighting-recorder.js';
import { rolloverWarnings, type RolloverWarning } from './warnings.js';

export interface RolloverServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  keys: KeyService;
  sightings: SightingRecorder;
}

export interface GuardedRotation extends KeyChangeResult {
  warnings: RolloverWarning[];
  forced: boolean;
}

/** An application's own metadata URLs, one per protocol it uses. */
export function applicationMetadataUrls(config: Config, app: Application): string[] {
  return [
    ...(app.addons.samlp ? [samlMetadataUrl(config, app.clientId)] : []),
    ...(app.addons.wsfed ? [wsfedMetadataUrl(config, app.clientId)] : []),
  ];
}

export class RolloverService {
  constructor(private readonly deps: RolloverServiceDeps) {}

  /** Flushes this instance's buffered sightings first, so the report includes them. */
  async report(): Promise<RolloverReport> {
    const { store, config, clock, sightings } = this.deps;
    await sightings.flush();
    const [keys, applications, seen, acknowledgements] = await Promise.all([
      store.listKeys(),
      store.listApplications(),
      store.listSightings(),
      store.listRolloverAcknowledgements(),
    ]);
    return buildRolloverReport({
      keys,
      applications,
      sightings: seen,
      acknowledgements,
      now: clock.now(),
      metadataCacheSeconds: config.metadataCacheSeconds,
      metadataUrls: (app) => applicationMetadataUrls(config, app),
    });
  }

  /** An administrator confirms that a manual-delivery application has the next key's certificate. */
  async acknowledge(input: { clientId: unknown; kid: unknown }, actor: Actor): Promise<{ client_id: string; kid: string }> {
    if (typeof input.clientId !== 'string' || input.clientId === '') throw invalidBody('client_id must be a non-empty string');
    if (typeof input.kid !== 'string' || input.kid === '') throw invalidBody('kid must be a non-empty string');
    const { store, clock } = this.deps;
    const app = await store.getApplication(input.clientId);
    if (!app) throw notFound(`No application with client_id "${input.clientId}"`);
    const key = (await store.listKeys()).find((candidate) => candidate.kid === input.kid);
    if (!key || key.state !== 'next') throw keyStateConflict(`Signing key "${input.kid}" is not the next key; acknowledge the next key`);
    if (certificateDelivery(app) !== 'manual') throw invalidBody(`Application "${app.name}" gets its certificates from metadata; only manual-delivery applications are acknowledged`);
    const now = clock.now();
    await store.acknowledgeRollover(
      { clientId: app.clientId, kid: key.kid, acknowledgedAt: now, actorId: actor.id },
      {
        event: 'rollover_acknowledged',
        description: `Confirmed that ${app.name} has the certificate of the next signing key ${key.kid}`,
        actor,
        details: { client_id: app.clientId, kid: key.kid },
      },
    );
    return { client_id: app.clientId, kid: key.kid };
  }

  /** Rotate with warnings; with FEDMETA_ROTATION_REQUIRE_READY, refuse (409) unless forced. */
  async rotate(options: RotateOptions): Promise<GuardedRotation> {
    const report = await this.report();
    const warnings = rolloverWarnings(report);
    const strict = this.deps.config.rollover.requireReady && !options.revokePrevious;
    const blocked = strict && !report.ready;
    if (blocked && !options.force) {
      throw rolloverNotReady('Not every relying party trusts the next key yet; rotate with force=true to rotate anyway', { warnings });
    }
    const forced = blocked && options.force === true;
    const change = await this.deps.keys.rotate({ ...options, ...(forced ? { auditDetails: { forced: true, not_ready: warnings.length } } : {}) });
    // The answer lists applications (as the issue asks); anonymous consumers are in the report and the 409.
    return { ...change, warnings: warnings.filter((warning) => warning.code === 'application_not_ready'), forced };
  }
}
