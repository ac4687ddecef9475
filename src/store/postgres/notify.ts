// LISTEN fedmeta_changes on a dedicated connection (a pooled one would lose its LISTEN when
// returned). Every store change sends NOTIFY in its own transaction, so a notice arrives only after
// the commit. The connection reconnects by itself with backoff; after every (re)connection the
// subscriber is told that everything may have changed, because notices sent meanwhile are lost.
import pg from 'pg';
import type { ChangeSubscription, ChangeTopic } from '../store.js';

export const CHANGE_CHANNEL = 'fedmeta_changes';
export const ALL_TOPICS: ChangeTopic[] = ['keys', 'clients'];

/** The NOTIFY payload: several fedmeta deployments (schemas) may share one database. */
export interface ChangeNotice {
  schema: string;
  topic: ChangeTopic;
  version: number;
}

export function parseNotice(payload: string | undefined): ChangeNotice | undefined {
  if (!payload) return undefined;
  try {
    const value = JSON.parse(payload) as Partial<ChangeNotice>;
    if (typeof value.schema !== 'string' || !ALL_TOPICS.includes(value.topic as ChangeTopic)) return undefined;
    return { schema: value.schema, topic: value.topic as ChangeTopic, version: Number(value.version) };
  } catch {
    return undefined;
  }
}

const MIN_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

export class ChangeListener implements ChangeSubscription {
  private client: pg.Client | undefined;
  private schema: string | undefined;
  private closed = false;
  private delayMs = MIN_DELAY_MS;
  private retry: NodeJS.Timeout | undefined;
  private failing = false;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onChange: (topics: ChangeTopic[]) => void,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    this.connecting = this.connect();
  }

  /** true while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== undefined && this.schema !== undefined;
  }

  /** Resolves once the first connection attempt has ended (listening or scheduled to retry). */
  ready(): Promise<void> {
    return this.connecting ?? Promise.resolve();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    this.client = client;
    this.schema = undefined;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice && notice.schema === this.schema) this.onChange([notice.topic]);
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.client !== client) return;
      this.schema = rows[0]?.schema ?? 'public';
      this.delayMs = MIN_DELAY_MS;
      if (this.failing) this.log('fedmeta: listening for store changes again');
      this.failing = false;
      // Anything may have changed while we were not listening.
      this.onChange(ALL_TOPICS);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.schema = undefined;
    client.end().catch(() => {});
    if (this.closed) return;
    if (!this.failing) {
      const reason = error instanceof Error ? error.message : 'connection ended';
      this.log(`fedmeta: lost the store change notifications (${reason}); reconnecting, polling meanwhile`);
      this.failing = true;
    }
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.closed) this.connecting = this.connect();
    }, this.delayMs);
    this.retry.unref();
    this.delayMs = Math.min(this.delayMs * 2, MAX_DELAY_MS);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => {});
  }
}
