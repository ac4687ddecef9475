// Group commit of completed sign-ins: a sign-in queues its session participant and audit entry and
// answers; the queue is committed in one transaction every `commitMs` (or at once when `maxRows` wait),
// so a sign-in costs no commit of its own. The loss window on a crash is one interval of sign-ins
// (their audit entries and single-logout participants: recoverable data). Everything else (key
// changes, sessions, applications, users, API clients) goes straight through, durable before it answers.
// Reads through this store see its own queued rows: a session's participants, the audit log (committed first).
import type { SessionParticipant, SessionRecord, SignInRecord } from '../auth/session-store.js';
import type { Store } from './store.js';

export interface GroupCommitOptions {
  /** The longest a queued sign-in waits for its commit (the loss window). */
  commitMs: number;
  /** This many queued sign-ins are committed at once (the sign-in that fills the queue waits for it). */
  maxRows?: number;
  log?: (line: string) => void;
}

type QueuedParticipant = NonNullable<SignInRecord['participant']>;

const withoutIdHash = ({ idHash: _, ...participant }: QueuedParticipant): SessionParticipant => participant;

/** `store` itself when commitMs is 0 (every sign-in commits before it answers). */
export function withGroupCommit(store: Store, { commitMs, maxRows = 500, log = (line) => console.error(line) }: GroupCommitOptions): Store {
  if (commitMs === 0) return store;
  let queued: SignInRecord[] = [];
  /** Taken from the queue, commit not yet confirmed (PostgreSQL answers asynchronously). */
  let committing: SignInRecord[] = [];
  let commit: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;

  const unconfirmed = () => [...committing, ...queued];
  const participantsOf = (idHash: string) => unconfirmed().flatMap(({ participant }) => (participant?.idHash === idHash ? [withoutIdHash(participant)] : []));

  async function commitQueued(): Promise<void> {
    await commit;
    clearTimeout(timer);
    timer = undefined;
    if (queued.length === 0) return;
    committing = queued;
    queued = [];
    commit = store.recordSignIns(committing).then(
      () => {
        if (failing) log('fedmeta: sign-in records are committed again');
        failing = false;
      },
      (error: unknown) => {
        // Kept, in order, for the next commit; a full queue makes sign-ins wait (and fail) instead of growing.
        queued = [...committing, ...queued];
        if (!failing) log(`fedmeta: committing sign-in records failed (${(error as Error).message}); keeping them and retrying`);
        failing = true;
        throw error;
      },
    ).finally(() => {
      committing = [];
      commit = undefined;
      if (queued.length > 0) schedule();
    });
    return commit;
  }

  function schedule(): void {
    timer ??= setTimeout(() => void commitQueued().catch(() => undefined), commitMs);
  }

  /** The session with its participants, those still queued included (after the committed ones). */
  async function getSession(idHash: string, now: Date): Promise<SessionRecord | undefined> {
    const session = await store.getSession(idHash, now);
    if (!session) return undefined;
    const known = new Set(session.participants.map((participant) => participant.sessionIndex));
    return { ...session, participants: [...session.participants, ...participantsOf(idHash).filter((participant) => !known.has(participant.sessionIndex))] };
  }

  return {
    ...store,
    async recordSignIns(records) {
      queued.push(...records);
      if (queued.length >= maxRows) return commitQueued();
      schedule();
    },
    getSession,
    async findSessionBySessionIndex(sessionIndex, now) {
      const participant = unconfirmed().find((record) => record.participant?.sessionIndex === sessionIndex)?.participant;
      return participant ? getSession(participant.idHash, now) : store.findSessionBySessionIndex(sessionIndex, now);
    },
    async deleteSession(idHash) {
      // Its queued participants would be left out by the commit anyway; drop them now so no read sees them.
      queued = queued.map((record) => (record.participant?.idHash === idHash ? { at: record.at, audit: record.audit } : record));
      await commit?.catch(() => undefined);
      return store.deleteSession(idHash);
    },
    /** Queued sign-ins first, so that a sign-out is logged after the sign-ins before it. */
    async appendAudit(entry, now) {
      await commitQueued();
      return store.appendAudit(entry, now);
    },
    async queryAudit(query) {
      await commitQueued();
      return store.queryAudit(query);
    },
    async auditAfterId(logId, limit) {
      await commitQueued();
      return store.auditAfterId(logId, limit);
    },
    async countAudit(filter) {
      await commitQueued();
      return store.countAudit(filter);
    },
    /** Commits what is queued (a graceful stop keeps every sign-in), then closes the store. */
    async close() {
      await commitQueued().catch(() => log(`fedmeta: ${queued.length} sign-in records could not be committed before closing`));
      await store.close();
    },
  };
}
