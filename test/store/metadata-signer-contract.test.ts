// The metadata-signing key's port (src/keys/metadata-signer-store.ts) on every backend: one active
// key, a replacement retires the old row, concurrent first starts create exactly one, every change
// moves the keys version (so every instance re-signs its metadata) and is audited.
import { expect } from 'chai';
import type { MetadataSignerRecord } from '../../src/keys/metadata-signer-store.js';
import { describeOnEveryBackend, type OpenedStore } from './backends.js';

const t0 = new Date('2026-03-01T10:00:00.123Z');
const system = { type: 'system' as const, id: 'contract' };

const record = (name: string): MetadataSignerRecord => ({
  kid: `md-${name}-${Math.random().toString(36).slice(2, 8)}`,
  certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`,
  location: 'sealed',
  sealedPrivateKey: `fmk1.sealed.${name}`,
  createdAt: t0,
});

const change = (value: MetadataSignerRecord, replace: boolean) => ({
  record: value,
  replace,
  now: t0,
  audit: { event: replace ? ('metadata_signer_rotated' as const) : ('metadata_signer_created' as const), description: value.kid, actor: system, details: { kid: value.kid } },
});

describeOnEveryBackend('metadata-signer store contract', (current) => {
  let opened: OpenedStore;
  beforeEach(() => {
    opened = current();
  });

  it('stores the first one, refuses a second without replace, and bumps the keys version once', async () => {
    const { store } = opened;
    expect(await store.activeMetadataSigner()).to.equal(undefined);
    const before = (await store.versions()).keys;
    const first = record('first');
    expect(await store.putMetadataSigner(change(first, false))).to.equal(true);
    expect(await store.putMetadataSigner(change(record('second'), false))).to.equal(false);
    expect(await store.activeMetadataSigner()).to.deep.include({ kid: first.kid, certPem: first.certPem, sealedPrivateKey: first.sealedPrivateKey });
    expect((await store.versions()).keys).to.equal(before + 1);
    const entries = await store.queryAudit({ limit: 10 });
    expect(entries.map((entry) => entry.event)).to.deep.equal(['metadata_signer_created']);
  });

  it('replace retires the active one and activates the new one in one step', async () => {
    const { store } = opened;
    const first = record('first');
    const second = record('second');
    await store.putMetadataSigner(change(first, false));
    expect(await store.putMetadataSigner(change(second, true))).to.equal(true);
    expect((await store.activeMetadataSigner())?.kid).to.equal(second.kid);
    expect((await store.queryAudit({ limit: 1 }))[0]?.event).to.equal('metadata_signer_rotated');
  });

  it('concurrent first starts on two handles create exactly one', async () => {
    const other = opened.another();
    const results = await Promise.all([opened.store.putMetadataSigner(change(record('a'), false)), other.putMetadataSigner(change(record('b'), false))]);
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await opened.store.activeMetadataSigner()).to.not.equal(undefined);
  });
});
