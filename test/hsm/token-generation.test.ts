// Key generation in a SoftHSM2 token while the main thread keeps using the token. SoftHSM 2.6 (the one
// Debian 12 ships) breaks a token object that a worker thread is creating when the main thread lists the
// token's objects at that moment (SoftHSMv2 issue 573): generating in the token directly on a worker
// thread failed about one time in four here (CKR_TEMPLATE_INCONSISTENT, CKR_GENERAL_ERROR), and once in
// CI. fedmeta generates session objects on the worker and copies the private key into the token on the
// main thread; a token without C_CopyObject generates in the token on the main thread.
import { expect } from 'chai';
import { createVerify, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createToken, privateKeyObjects, requireSoftHsm, SOFTHSM_MODULE, type SoftHsmToken } from '../helpers/softhsm.js';
import { TokenSession } from '../../src/keys/pkcs11/token-session.js';
import { findTokenKey, generateInToken, generateTokenKeyPair, TokenKey } from '../../src/keys/pkcs11/token-keys.js';

describe('PKCS#11: generating keys while the token is in use', function () {
  let token: SoftHsmToken;
  let session: TokenSession;

  before(function () {
    requireSoftHsm(this);
    token = createToken('fedmeta-generation');
    session = new TokenSession({ module: SOFTHSM_MODULE, token: token.label, pin: token.pin, pinVariable: 'FEDMETA_PKCS11_PIN' });
  });
  after(() => {
    session?.close();
    token?.remove();
  });

  /** The token object of `kid`, as pkcs11-tool lists it: sensitive, never extractable, generated in the token, sign only. */
  const expectTokenKey = (kid: string) => {
    const object = privateKeyObjects(token).find((candidate) => candidate.label === kid);
    expect(object, `a private key labelled ${kid}`).not.to.equal(undefined);
    expect(object!.access.split(', ')).to.include.members(['sensitive', 'always sensitive', 'never extractable', 'local']);
    expect(object!.usage).to.equal('sign');
    expect(Buffer.from(object!.id, 'hex').toString('utf8')).to.equal(kid);
  };

  const expectSigns = (kid: string, publicKey: KeyObject) => {
    const data = Buffer.from(`signed by ${kid}`);
    const signature = new TokenKey(session, kid).sign(data, 'rsa-sha256');
    expect(createVerify('sha256').update(data).verify(publicKey, signature)).to.equal(true);
  };

  it('twelve key pairs generated while the main thread looks keys up without pause: each is whole, in the token, labelled by its kid; no session object is left', async () => {
    const lookups = { count: 0 };
    for (let round = 0; round < 12; round++) {
      let settled = false;
      const generation = generateTokenKeyPair(session, 2048).finally(() => (settled = true));
      while (!settled) {
        findTokenKey(session, 'a kid that is not there');
        lookups.count += 1;
        await nextTurn();
      }
      const { kid, publicKey } = await generation;
      expect(kid).to.equal(await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }), 'sha256'));
      expectTokenKey(kid);
      expectSigns(kid, publicKey);
    }
    console.log(`      (${lookups.count} lookups ran during the generations)`);
    expect(lookups.count, 'lookups overlapped the generations').to.be.greaterThan(12);
    expect(privateKeyObjects(token)).to.have.length(12);
    // Session objects do not show in pkcs11-tool's token listing; ask the PKCS#11 API for every object.
    const all = session.run((handle) => {
      session.module.C_FindObjectsInit(handle, []);
      try {
        return session.module.C_FindObjects(handle, 100);
      } finally {
        session.module.C_FindObjectsFinal(handle);
      }
    });
    expect(all, 'only the 12 token private keys (no session copies, no public keys)').to.have.length(12);
  });

  it('without C_CopyObject: generated in the token on the main thread, with the same attributes', () => {
    const { kid, publicKey } = generateInToken(session, 2048);
    expect(kid).to.be.a('string').with.length(43);
    expectTokenKey(kid);
    expectSigns(kid, publicKey);
  });
});
