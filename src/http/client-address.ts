// The address of the client a request comes from, for audit, throttles and logs. Only when the
// connection comes from a trusted reverse proxy (FEDMETA_TRUST_PROXY) is X-Forwarded-For read, from
// the right: each trusted hop hands over to the address it received the request from, and the first
// untrusted address is the client. Entries left of it were written by the client and are ignored.
import type { Context, Next } from 'koa';
import type { AddressList } from '../net/address-list.js';
import { normalizeAddress } from '../net/address-list.js';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** More hops than any real proxy chain; the rest of an oversized header is not looked at. */
const MAX_HOPS = 20;

export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: AddressList | undefined): string {
  let address = normalizeAddress(peer);
  if (!trusted || !forwardedFor || !trusted.includes(address)) return address;
  const hops = forwardedFor.split(',').slice(-MAX_HOPS).reverse();
  for (const hop of hops) {
    const candidate = normalizeAddress(hop.trim().replace(/^\[(.*)\]$/, '$1'));
    if (isIP(candidate) === 0) break; // not written by a proxy we trust: keep the last good address
    address = candidate;
    if (!trusted.includes(address)) break;
  }
  return address;
}

/** The client address of a request as it arrived (used by Koa and by the published fast path alike). */
export function clientAddressOf(req: IncomingMessage, trusted: AddressList | undefined): string {
  const forwarded = req.headers['x-forwarded-for'];
  return clientAddress(req.socket.remoteAddress ?? '', Array.isArray(forwarded) ? forwarded.join(',') : forwarded, trusted);
}

/** Koa middleware: sets ctx.ip (Koa's own X-Forwarded-For handling stays off: app.proxy is false). */
export function clientAddressMiddleware(trusted: AddressList | undefined) {
  return async function setClientAddress(ctx: Context, next: Next): Promise<void> {
    ctx.request.ip = clientAddressOf(ctx.req, trusted);
    await next();
  };
}
