import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { seal, unseal, UnsealError } from '../../../src/keys/seal.js';

describe('seal (AES-256-GCM envelope)', () => {
  const kek = randomBytes(32);
  const secret = '-----BEGIN RSA PRIVATE KEY-----\nsecret material\n-----END RSA PRIVATE KEY-----\n';

  it('round-trips and never contains the plaintext', () => {
    const sealed = seal(kek, 'kid-1', secret);
    expect(sealed).to.match(/^fmk1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.to.include('PRIVATE');
    expect(unseal(kek, 'kid-1', sealed)).to.equal(secret);
  });

  it('uses a fresh data key and IV each time', () => {
    expect(seal(kek, 'kid-1', secret)).not.to.equal(seal(kek, 'kid-1', secret));
  });

  it('refuses a wrong KEK, another row\'s kid, a tampered or truncated value', () => {
    const sealed = seal(kek, 'kid-1', secret);
    expect(() => unseal(randomBytes(32), 'kid-1', sealed)).to.throw(UnsealError);
    expect(() => unseal(kek, 'kid-2', sealed)).to.throw(UnsealError);
    const [v, wrapped, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[flipped.length - 1]! ^= 1;
    expect(() => unseal(kek, 'kid-1', `${v}.${wrapped}.${flipped.toString('base64url')}`)).to.throw(UnsealError);
    expect(() => unseal(kek, 'kid-1', `${v}.${wrapped}`)).to.throw(UnsealError);
    expect(() => unseal(kek, 'kid-1', 'garbage')).to.throw(UnsealError);
  });
});
