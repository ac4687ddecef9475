// A list of IP addresses and CIDR ranges (IPv4 and IPv6), e.g. the reverse proxies fedmeta trusts.
// Parsed once at start-up; matching uses node's BlockList (no hand-written prefix arithmetic).
import { BlockList, isIP } from 'node:net';

export interface AddressList {
  /** The entries as configured, normalized (for logs and `--help`-style output). */
  readonly entries: readonly string[];
  includes(address: string): boolean;
}

/** "::ffff:192.0.2.1" (an IPv4 peer on a dual-stack socket) → "192.0.2.1"; anything else unchanged. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

const NAMED: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

/**
 * Parses "10.0.0.1, 192.168.0.0/16 ::1" (commas or spaces; `loopback` and `private` name the usual
 * ranges). Throws an Error naming the first entry that is neither an address nor a CIDR range.
 */
export function parseAddressList(raw: string): AddressList {
  const blocks = new BlockList();
  const entries: string[] = [];
  const add = (entry: string): void => {
    const [address = '', prefixText, extra] = entry.split('/');
    const kind = family(address);
    const width = kind === 'ipv4' ? 32 : 128;
    const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!kind || extra !== undefined || !(prefix >= 0 && prefix <= width)) {
      throw new Error(`"${entry}" is neither an IP address nor a CIDR range such as 10.0.0.0/8 or fd00::/8`);
    }
    blocks.addSubnet(address, prefix, kind);
    entries.push(prefixText === undefined ? address : `${address}/${prefix}`);
  };
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const named = NAMED[entry.toLowerCase()];
    if (named) named.forEach(add);
    else add(entry);
  }
  if (entries.length === 0) throw new Error('is empty: list proxy addresses or CIDR ranges, e.g. 127.0.0.1 or 10.0.0.0/8');
  return Object.freeze({
    entries: Object.freeze(entries),
    includes(address: string): boolean {
      const normalized = normalizeAddress(address);
      const kind = family(normalized);
      return kind !== undefined && blocks.check(normalized, kind);
    },
  });
}
