// Post/Redirect/Get flash messages: a short-lived cookie (60 s, HttpOnly) holding one message,
// signed with an HMAC keyed by this browser's CSRF token (itself an HMAC under the KEK-derived
// key), so nobody else can plant a message in an administrator's dashboard. Read once, then cleared.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../../config.js';
import type { BrowserCsrf } from '../csrf.js';
import { setCookie } from '../cookies.js';

const FLASH_COOKIE = 'fedmeta_flash';
const FLASH_SECONDS = 60;

export type FlashKind = 'ok' | 'error' | 'warn';

export interface Flash {
  kind: FlashKind;
  text: string;
}

export class Flasher {
  constructor(
    private readonly csrf: BrowserCsrf,
    private readonly config: Config,
  ) {}

  private sign(ctx: Context, payload: string): string {
    return createHmac('sha256', this.csrf.issue(ctx)).update(`flash:${payload}`).digest('base64url');
  }

  set(ctx: Context, kind: FlashKind, text: string, now: Date): void {
    const payload = Buffer.from(JSON.stringify({ kind, text: text.slice(0, 1000), exp: now.getTime() + FLASH_SECONDS * 1000 })).toString('base64url');
    setCookie(ctx, this.config, FLASH_COOKIE, `${payload}.${this.sign(ctx, payload)}`, FLASH_SECONDS * 1000);
  }

  /** The pending message, if any and genuine; clears it either way. */
  take(ctx: Context, now: Date): Flash | undefined {
    const value = ctx.cookies.get(FLASH_COOKIE);
    if (!value) return undefined;
    setCookie(ctx, this.config, FLASH_COOKIE, '', 0);
    const [payload, signature] = value.split('.');
    if (!payload || !signature || value.length > 4096) return undefined;
    const expected = Buffer.from(this.sign(ctx, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const flash = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flash & { exp: number };
      if (typeof flash.exp !== 'number' || flash.exp < now.getTime()) return undefined;
      if (!['ok', 'error', 'warn'].includes(flash.kind) || typeof flash.text !== 'string') return undefined;
      return { kind: flash.kind, text: flash.text };
    } catch {
      return undefined;
    }
  }
}
