import { expect } from 'chai';
import { requireTool } from '../../helpers/tools.js';
import { createPrivateKey, createPublicKey, createSign, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, compactVerify, CompactSign } from 'jose';
import { generateSigningKey } from '../../../src/keys/generate.js';
import { publishKey } from '../../../src/keys/formats.js';
import { openssl } from '../../helpers/openssl.js';
import forge from 'node-forge';

describe('key generation and published forms', () => {
  let key: Awaited<ReturnType<typeof generateSigningKey>>;
  before(async () => {
    key = await generateSigningKey({ modulusLength: 2048, commonName: 'idp.example.com', validityDays: 30, now: new Date() });
  });

  it('makes an RSA 2048 key with a self-signed SHA-256 certificate for CN=<issuer host>', function () {
    requireTool(this, 'openssl');
    const cert = new X509Certificate(key.certPem);
    expect(cert.subject).to.equal('CN=idp.example.com');
    expect(cert.issuer).to.equal('CN=idp.example.com');
    expect(cert.verify(cert.publicKey)).to.equal(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(openssl(['x509', '-noout', '-text'], key.certPem)).to.include('sha256WithRSAEncryption');
    const days = (new Date(cert.validTo).getTime() - Date.now()) / 86_400_000;
    expect(days).to.be.within(29, 31);
    // The certificate's public key is the generated private key's.
    const privateKey = createPrivateKey(key.privateKeyPem);
    expect(createPublicKey(privateKey).export({ format: 'jwk' })).to.deep.equal(cert.publicKey.export({ format: 'jwk' }));
  });

  it('uses the RFC 7638 JWK thumbprint as kid', async () => {
    const jwk = new X509Certificate(key.certPem).publicKey.export({ format: 'jwk' });
    expect(key.kid).to.equal(await calculateJwkThumbprint(jwk as never, 'sha256'));
  });

  it('publishes DER, PEM, raw PEM, PKCS#7 and fingerprints that openssl agrees with', function () {
    requireTool(this, 'openssl');
    const forms = publishKey({ kid: key.kid, state: 'current', certPem: key.certPem });
    const pemFromDer = openssl(['x509', '-inform', 'DER', '-outform', 'PEM'], forms.certDer);
    expect(pemFromDer.trim()).to.equal(forms.certPem.trim());
    expect(forms.certBase64).to.equal(forms.certPem.replace(/-----[A-Z ]+-----|\n/g, ''));
    const printed = openssl(['pkcs7', '-print_certs'], forms.pkcs7Pem);
    expect(printed).to.include(forms.certPem.trim());
    expect(forms.pkcs7Pem).to.match(/^-----BEGIN PKCS7-----\n/);
    const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha1'], forms.certPem).trim();
    expect(fingerprint).to.match(/^sha1 Fingerprint=/i);
    expect(fingerprint.split('=')[1]).to.equal(forms.fingerprint);
    expect(forms.thumbprint).to.equal(forms.fingerprint.replace(/:/g, ''));
    expect(Buffer.from(forms.jwk.x5t, 'base64url').toString('hex').toUpperCase()).to.equal(forms.thumbprint);
    const sha256 = openssl(['x509', '-noout', '-fingerprint', '-sha256'], forms.certPem).trim().split('=')[1]!;
    expect(Buffer.from(forms.jwk['x5t#S256'], 'base64url').toString('hex').toUpperCase()).to.equal(sha256.replace(/:/g, ''));
  });

  it('the PKCS#7 form is byte for byte what node-forge writes (certs-only SignedData), for 2048- and 4096-bit keys', async () => {
    const large = await generateSigningKey({ modulusLength: 4096, commonName: 'a-much-longer-issuer-name.idp.example.com', validityDays: 3650, now: new Date() });
    for (const certPem of [key.certPem, large.certPem]) {
      const p7 = forge.pkcs7.createSignedData();
      p7.addCertificate(forge.pki.certificateFromPem(certPem));
      expect(publishKey({ kid: 'k', state: 'current', certPem }).pkcs7Pem).to.equal(forge.pkcs7.messageToPem(p7).replace(/\r\n/g, '\n'));
    }
  });

  it('JWK carries only public members and verifies a signature of the private key', async () => {
    const forms = publishKey({ kid: key.kid, state: 'next', certPem: key.certPem });
    expect(Object.keys(forms.jwk).sort()).to.deep.equal(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t', 'x5t#S256']);
    expect(forms.jwk).to.include({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid });
    const jws = await new CompactSign(Buffer.from('hello'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(createPrivateKey(key.privateKeyPem));
    const { payload } = await compactVerify(jws, await importJWK(forms.jwk, 'RS256'));
    expect(Buffer.from(payload).toString()).to.equal('hello');
    const signer = createSign('sha256').update('x');
    expect(signer.sign(createPrivateKey(key.privateKeyPem)).length).to.equal(256);
  });
});
