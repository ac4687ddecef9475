// The rollover readiness report: pure, from the key set, the applications, the sightings and the
// acknowledgements. An application is `ready` when the last metadata it fetched held the next key,
// `stale` when it fetched its metadata but not since the next key appeared, `unknown` when it never
// fetched its own metadata URL, `acknowledged` when an administrator confirmed a manual upload.
import type { KeyRecord } from '../keys/types.js';
import type { Application, CertificateDelivery } from '../clients/types.js';
import type { PublishedDocumentKind, RolloverAcknowledgement, Sighting } from './types.js';

export type ApplicationReadiness = 'ready' | 'stale' | 'unknown' | 'acknowledged';


export interface ApplicationRollover {
  client_id: string;
  name: string;
  protocols: ('samlp' | 'wsfed')[];
  certificate_delivery: CertificateDelivery;
  metadata_urls: string[];
  last_fetched_at: string | null;
  kids: string[];
  state: ApplicationReadiness;
}

export interface ConsumerRollover {
  document: PublishedDocumentKind;
  user_agent: string | null;
  address: string | null;
  last_seen_at: string;
  kids: string[];
  holds_next: boolean;
  /** Seen within the last metadata cache duration: it counts for `ready`. */
  recent: boolean;
}

export interface RolloverReport {
  next: { kid: string; published_since: string } | null;
  ready: boolean;
  applications: ApplicationRollover[];
  consumers: ConsumerRollover[];
}

export interface RolloverInputs {
  keys: KeyRecord[];
  applications: Application[];
  sightings: Sighting[];
  acknowledgements: RolloverAcknowledgement[];
  now: Date;
  metadataCacheSeconds: number;
  /** The application's own metadata URLs (per protocol). */
  metadataUrls: (app: Application) => string[];
}

export function certificateDelivery(app: Application): CertificateDelivery {
  const { samlp, wsfed } = app.addons;
  return samlp?.certificateDelivery === 'manual' || wsfed?.certificateDelivery === 'manual' ? 'manual' : 'metadata';
}

function latest(sightings: Sighting[]): Sighting | undefined {
  return sightings.reduce<Sighting | undefined>((best, s) => (!best || s.seenAt > best.seenAt ? s : best), undefined);
}

function applicationState(app: Application, last: Sighting | undefined, nextKid: string | undefined, inputs: RolloverInputs): ApplicationReadiness {
  if (nextKid === undefined || last?.kids.includes(nextKid)) return 'ready';
  if (certificateDelivery(app) === 'manual') {
    // A manual upload is known only from the administrator's confirmation.
    const confirmed = inputs.acknowledgements.some((ack) => ack.clientId === app.clientId && ack.kid === nextKid);
    return confirmed ? 'acknowledged' : 'stale';
  }
  return last ? 'stale' : 'unknown';
}

function applicationRollover(app: Application, inputs: RolloverInputs, nextKid: string | undefined): ApplicationRollover {
  const last = latest(inputs.sightings.filter((s) => s.clientId === app.clientId));
  return {
    client_id: app.clientId,
    name: app.name,
    protocols: [...(app.addons.samlp ? ['samlp' as const] : []), ...(app.addons.wsfed ? ['wsfed' as const] : [])],
    certificate_delivery: certificateDelivery(app),
    metadata_urls: inputs.metadataUrls(app),
    last_fetched_at: last ? last.seenAt.toISOString() : null,
    kids: last ? last.kids : [],
    state: applicationState(app, last, nextKid, inputs),
  };
}

function consumerRollover(sighting: Sighting, inputs: RolloverInputs, nextKid: string | undefined): ConsumerRollover {
  const recentSince = inputs.now.getTime() - inputs.metadataCacheSeconds * 1000;
  return {
    document: sighting.document,
    user_agent: sighting.userAgent ?? null,
    address: sighting.address ?? null,
    last_seen_at: sighting.seenAt.toISOString(),
    kids: sighting.kids,
    holds_next: nextKid === undefined || sighting.kids.includes(nextKid),
    recent: sighting.seenAt.getTime() >= recentSince,
  };
}

/** Applications that do not (or may not) trust the next key yet: stale (manual and unconfirmed included) or never seen. */
export function applicationNeedsAttention(app: ApplicationRollover): boolean {
  return app.state === 'stale' || app.state === 'unknown';
}

export function buildRolloverReport(inputs: RolloverInputs): RolloverReport {
  const next = inputs.keys.find((key) => key.state === 'next');
  const applications = inputs.applications
    .filter((app) => app.addons.samlp || app.addons.wsfed)
    .map((app) => applicationRollover(app, inputs, next?.kid));
  const consumers = inputs.sightings
    .filter((s) => s.clientId === undefined)
    .map((s) => consumerRollover(s, inputs, next?.kid))
    .sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at));
  const ready = !applications.some((app) => app.state === 'stale') && consumers.every((c) => !c.recent || c.holds_next);
  return {
    next: next ? { kid: next.kid, published_since: next.createdAt.toISOString() } : null,
    ready,
    applications,
    consumers,
  };
}
