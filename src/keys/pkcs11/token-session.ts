// One logged-in connection to a PKCS#11 token: the module (loaded and C_Initialize'd once per process,
// shared by every server in it and finalized when the last one closes), the slot found by the token's
// label, and a small pool of sessions logged in once (a login holds for every session of the process).
// A session or device error closes the pool, opens it again and retries the operation once.
import type { PKCS11, Pkcs11Error } from 'pkcs11js';
import { lazyRequire } from '../../lazy-require.js';
import { ConfigError } from '../../config-values.js';

const pkcs11js = lazyRequire<typeof import('pkcs11js')>('pkcs11js');

type Module = PKCS11;
export type Handle = Buffer;

export interface TokenSettings {
  module: string;
  token: string;
  pin: string;
  /** The variable the PIN came from (FEDMETA_PKCS11_PIN or FEDMETA_PKCS11_PIN_FILE), for messages. */
  pinVariable: string;
  /** Sessions kept open (one signs while another generates a key pair on a worker thread). */
  sessions?: number;
  /** Where a lost session is reported (the server's logger; stderr by default). */
  log?: (line: string) => void;
}

/** Errors after which the session (or the whole connection) is gone: re-open and retry once. */
const RECONNECT = new Set(
  ['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED', 'CKR_DEVICE_ERROR', 'CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_USER_NOT_LOGGED_IN', 'CKR_CRYPTOKI_NOT_INITIALIZED'].map(
    (name) => (pkcs11js() as unknown as Record<string, number>)[name]!,
  ),
);

export const isPkcs11Error = (error: unknown, code?: number): error is Pkcs11Error =>
  error instanceof pkcs11js().Pkcs11Error && (code === undefined || error.code === code);

// PKCS#11 allows one C_Initialize per process: every server in this process shares the loaded module.
const loaded = new Map<string, { module: Module; users: number }>();

function acquireModule(path: string): Module {
  const entry = loaded.get(path);
  if (entry) {
    entry.users += 1;
    return entry.module;
  }
  const module = new (pkcs11js().PKCS11)();
  try {
    module.load(path);
    // Key pairs are generated on a worker thread (C_GenerateKeyPairAsync) while the main thread signs:
    // the library must lock (with NULL arguments SoftHSM, for one, turns its mutexes off).
    module.C_Initialize({ flags: pkcs11js().CKF_OS_LOCKING_OK });
  } catch (error) {
    throw new ConfigError('FEDMETA_PKCS11_MODULE', `${path} does not load as a PKCS#11 library (${(error as Error).message.split('\n')[0]})`);
  }
  loaded.set(path, { module, users: 1 });
  return module;
}

function releaseModule(path: string): void {
  const entry = loaded.get(path);
  if (!entry || --entry.users > 0) return;
  loaded.delete(path);
  try {
    entry.module.C_Finalize();
  } finally {
    entry.module.close();
  }
}

const trimLabel = (label: string) => label.replace(/[\s\0]+$/, '');

export class TokenSession {
  readonly module: Module;
  private idle: Handle[] = [];
  /** Every session this pool opened (other pools in the process keep theirs: no C_CloseAllSessions). */
  private opened: Handle[] = [];
  private slot: Handle | undefined;
  private closed = false;

  constructor(private readonly settings: TokenSettings) {
    this.module = acquireModule(settings.module);
    try {
      this.open();
    } catch (error) {
      releaseModule(settings.module);
      throw error;
    }
  }

  get label(): string {
    return this.settings.token;
  }

  private findSlot(): Handle {
    const slot = this.module.C_GetSlotList(true).find((candidate) => trimLabel(this.module.C_GetTokenInfo(candidate).label) === this.settings.token);
    if (!slot) throw new ConfigError('FEDMETA_PKCS11_TOKEN', `no token labelled "${this.settings.token}" in ${this.settings.module}`);
    return slot;
  }

  private open(): void {
    this.slot = this.findSlot();
    const flags = pkcs11js().CKF_SERIAL_SESSION | pkcs11js().CKF_RW_SESSION;
    const sessions = Array.from({ length: this.settings.sessions ?? 2 }, () => this.module.C_OpenSession(this.slot!, flags));
    this.opened.push(...sessions);
    try {
      this.module.C_Login(sessions[0]!, pkcs11js().CKU_USER, this.settings.pin);
    } catch (error) {
      // Another pool of this process is logged in (PKCS#11 logins are per process): so is this one. Only
      // tests run several servers in one process; `fedmeta serve` has one pool, whose login checks the PIN.
      if (isPkcs11Error(error, pkcs11js().CKR_USER_ALREADY_LOGGED_IN)) return void (this.idle = sessions);
      this.closeOpened();
      if (isPkcs11Error(error, pkcs11js().CKR_PIN_INCORRECT)) throw new ConfigError(this.settings.pinVariable, `is not the user PIN of token "${this.settings.token}"`);
      if (isPkcs11Error(error, pkcs11js().CKR_PIN_LOCKED)) throw new ConfigError(this.settings.pinVariable, `the user PIN of token "${this.settings.token}" is locked`);
      throw error;
    }
    this.idle = sessions;
  }

  private closeOpened(): void {
    for (const session of this.opened.splice(0)) {
      try {
        this.module.C_CloseSession(session);
      } catch {
        // Already gone with the device or the token.
      }
    }
    this.idle = [];
  }

  private reopen(): void {
    this.closeOpened();
    this.open();
  }

  /**
   * Run `operation` on a session of the pool (synchronous calls never wait: in one thread the pool
   * always has an idle session; async ones hold theirs until they settle). On a session or device
   * error the pool is re-opened and the operation retried once.
   */
  run<T>(operation: (session: Handle) => T): T {
    return this.attempt(operation, true);
  }

  private attempt<T>(operation: (session: Handle) => T, retry: boolean): T {
    if (this.closed) throw new Error(`the PKCS#11 token "${this.settings.token}" is closed`);
    const session = this.idle.pop() ?? this.extraSession();
    const lost = (error: unknown) => isPkcs11Error(error) && RECONNECT.has(error.code);
    let giveBack = true;
    try {
      const result = operation(session);
      if (!(result instanceof Promise)) return result;
      giveBack = false; // held until it settles
      return result.then(
        (value: unknown) => (this.idle.push(session), value),
        (error: unknown) => {
          if (retry && lost(error)) return this.reconnected(operation);
          this.idle.push(session);
          throw error;
        },
      ) as T;
    } catch (error) {
      if (!lost(error)) throw error;
      giveBack = false;
      if (!retry) throw error;
      return this.reconnected(operation);
    } finally {
      if (giveBack) this.idle.push(session);
    }
  }

  /** All pooled sessions are busy (async operations): one more, kept in the pool afterwards. */
  private extraSession(): Handle {
    const session = this.module.C_OpenSession(this.slot!, pkcs11js().CKF_SERIAL_SESSION | pkcs11js().CKF_RW_SESSION);
    this.opened.push(session);
    return session;
  }

  private reconnected<T>(operation: (session: Handle) => T): T {
    (this.settings.log ?? console.error)(`fedmeta: PKCS#11 token "${this.settings.token}": session lost, re-opening the sessions and retrying once`);
    this.reopen();
    return this.attempt(operation, false);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.closeOpened();
    } finally {
      releaseModule(this.settings.module);
    }
  }
}
