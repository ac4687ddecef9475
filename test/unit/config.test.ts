import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ FEDMETA_ENV_FILE: '/dev/null', ...env }, '/srv');

function failure(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = load({});
    expect(config).to.deep.include({
      issuer: 'http://localhost:3000',
      host: '127.0.0.1',
      port: 3000,
      samlEntityId: 'urn:localhost',
      keySize: 2048,
      certDays: 3650,
      metadataCacheSeconds: 3600,
    });
    expect(config.rotationRateLimit).to.deep.equal({ burst: 5, perDay: 5 });
    expect(config.emergencyRotationRateLimit).to.deep.equal({ burst: 3, perDay: 3 });
    expect(load({ FEDMETA_EMERGENCY_ROTATION_RATE_BURST: '7', FEDMETA_EMERGENCY_ROTATION_RATE_PER_DAY: '2' }).emergencyRotationRateLimit).to.deep.equal({ burst: 7, perDay: 2 });
    expect(config.database).to.deep.equal({ kind: 'sqlite', path: '/srv/data/fedmeta.db' });
    expect(config.kek).to.equal(undefined);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('stops on invalid values with the variable named', () => {
    const cases: [Record<string, string>, string][] = [
      [{ FEDMETA_ISSUER: 'ftp://x' }, 'FEDMETA_ISSUER'],
      [{ FEDMETA_ISSUER: 'https://idp.example.com/' }, 'FEDMETA_ISSUER'],
      [{ FEDMETA_ISSUER: 'not a url' }, 'FEDMETA_ISSUER'],
      [{ PORT: '70000' }, 'PORT'],
      [{ PORT: 'abc' }, 'PORT'],
      [{ FEDMETA_KEY_SIZE: '1024' }, 'FEDMETA_KEY_SIZE'],
      [{ FEDMETA_KEY_SIZE: '2500' }, 'FEDMETA_KEY_SIZE'],
      [{ FEDMETA_KEK: 'c2hvcnQ' }, 'FEDMETA_KEK'],
      [{ FEDMETA_DATABASE_URL: 'mysql://x' }, 'FEDMETA_DATABASE_URL'],
      [{ FEDMETA_DATABASE_URL: 'postgres://localhost/test' }, 'FEDMETA_KEK'],
      [{ FEDMETA_CERT_DAYS: '0' }, 'FEDMETA_CERT_DAYS'],
      [{ FEDMETA_EMERGENCY_ROTATION_RATE_BURST: '0' }, 'FEDMETA_EMERGENCY_ROTATION_RATE_BURST'],
      [{ FEDMETA_EMERGENCY_ROTATION_RATE_BURST: 'many' }, 'FEDMETA_EMERGENCY_ROTATION_RATE_BURST'],
      [{ FEDMETA_EMERGENCY_ROTATION_RATE_PER_DAY: '-1' }, 'FEDMETA_EMERGENCY_ROTATION_RATE_PER_DAY'],
    ];
    for (const [env, variable] of cases) {
      const error = failure(env);
      expect(error.variable, JSON.stringify(env)).to.equal(variable);
      expect(error.message.startsWith(`${variable}: `)).to.equal(true);
      expect(error.message).not.to.include('\n');
    }
  });

  it('bounds HTTP timeouts and header size, and the metadata fetch time; inconsistent timeouts stop start-up', () => {
    expect(load({}).http).to.deep.equal({
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      socketTimeoutMs: 120_000,
      maxHeaderBytes: 16_384,
      shutdownGraceMs: 10_000,
    });
    expect(load({}).metadataFetchTimeoutMs).to.equal(10_000);
    const cases: [Record<string, string>, string][] = [
      [{ FEDMETA_HEADERS_TIMEOUT_MS: '0' }, 'FEDMETA_HEADERS_TIMEOUT_MS'],
      [{ FEDMETA_HEADERS_TIMEOUT_MS: '40000' }, 'FEDMETA_HEADERS_TIMEOUT_MS'],
      [{ FEDMETA_REQUEST_TIMEOUT_MS: '1e3' }, 'FEDMETA_REQUEST_TIMEOUT_MS'],
      [{ FEDMETA_REQUEST_TIMEOUT_MS: '200000' }, 'FEDMETA_REQUEST_TIMEOUT_MS'],
      [{ FEDMETA_KEEPALIVE_TIMEOUT_MS: '-1' }, 'FEDMETA_KEEPALIVE_TIMEOUT_MS'],
      [{ FEDMETA_SOCKET_TIMEOUT_MS: '50' }, 'FEDMETA_SOCKET_TIMEOUT_MS'],
      [{ FEDMETA_MAX_HEADER_BYTES: '1000000' }, 'FEDMETA_MAX_HEADER_BYTES'],
      [{ FEDMETA_METADATA_FETCH_TIMEOUT_MS: '0' }, 'FEDMETA_METADATA_FETCH_TIMEOUT_MS'],
    ];
    for (const [env, variable] of cases) {
      const error = failure(env);
      expect(error.variable, JSON.stringify(env)).to.equal(variable);
      expect(error.message).not.to.include('\n');
    }
  });

  it('derives the entity ID from the issuer host and accepts a 32-byte base64url KEK', () => {
    const config = load({ FEDMETA_ISSUER: 'https://idp.example.com', FEDMETA_KEK: Buffer.alloc(32, 1).toString('base64url') });
    expect(config.samlEntityId).to.equal('urn:idp.example.com');
    expect(config.kek?.length).to.equal(32);
  });
});
