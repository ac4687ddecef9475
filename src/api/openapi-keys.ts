// The signing-key operations of the OpenAPI document (/api/v2/keys/signing…), as src/routes.ts binds them.
import { ref } from './openapi-schemas.js';
import { RATE_LIMIT_HEADERS, READS_BODY, json, jsonBody, managed, pathParam, trueOrFalse, type ApiOperation } from './openapi-operations.js';

const TAG = 'Signing keys';
const kid = pathParam('kid', 'The key id (RFC 7638 thumbprint)');
const force = trueOrFalse('force', 'true: skip the revoke guard / readiness and age checks');
/** A key change answers the rotation/revocation bucket's state when the change took a token from it. */
const bucketHeaders = Object.fromEntries(Object.entries(RATE_LIMIT_HEADERS).map(([name, header]) => [name, { ...header, required: false }]));
const keyChange = (description: string) => json(description, ref('KeyChange'), bucketHeaders);

export const SIGNING_KEY_OPERATIONS: ApiOperation[] = [
  managed({
    route: 'api-signing-keys',
    method: 'get',
    id: 'get_signing_keys',
    summary: 'List every signing key (current, next, previous and revoked)',
    tag: TAG,
    scopes: ['read:signing_keys'],
    responses: { 200: json('The keys', { type: 'array', items: ref('KeyObject') }) },
  }),
  managed({
    route: 'api-signing-key',
    method: 'get',
    id: 'get_signing_key',
    summary: 'Get one signing key',
    tag: TAG,
    scopes: ['read:signing_keys'],
    parameters: [kid],
    responses: { 200: json('The key', ref('KeyObject')) },
    errors: [404],
  }),
  managed({
    route: 'api-signing-keys-rotate',
    method: 'post',
    id: 'post_signing_keys',
    summary: 'Rotate: next becomes current, current becomes previous, a new next is created',
    tag: TAG,
    scopes: ['create:signing_keys', 'update:signing_keys'],
    parameters: [trueOrFalse('revoke_previous', 'true: emergency rotate-and-revoke (the key that was current ends revoked)'), force],
    responses: { 201: keyChange('The new current key; warnings name relying parties that may not trust it yet') },
    errors: [400, 409, 429],
  }),
  managed({
    route: 'api-signing-key-revoke',
    method: 'put',
    id: 'put_signing_keys',
    summary: 'Revoke a previous key (irreversible)',
    tag: TAG,
    scopes: ['update:signing_keys'],
    parameters: [kid, force],
    responses: { 200: keyChange('The revoked key') },
    errors: [400, 404, 409, 429],
  }),
  managed({
    route: 'api-signing-key-renew',
    method: 'post',
    id: 'post_signing_key_renew',
    summary: 'Renew the certificate of a key (same key pair and kid, new certificate)',
    tag: TAG,
    scopes: ['update:signing_keys'],
    parameters: [kid],
    requestBody: jsonBody({ type: 'object', properties: { days: { type: 'integer', minimum: 1 } }, additionalProperties: false }, 'Validity of the new certificate'),
    responses: { 200: json('The key with its new certificate', ref('KeyObject')) },
    errors: [...READS_BODY, 404, 409],
  }),
  managed({
    route: 'api-signing-keys-rollover',
    method: 'get',
    id: 'get_signing_keys_rollover',
    summary: 'Which relying parties already trust the next key',
    tag: TAG,
    scopes: ['read:signing_keys'],
    responses: { 200: json('The readiness report', ref('RolloverReport')) },
  }),
  managed({
    route: 'api-signing-keys-rollover-acknowledge',
    method: 'post',
    id: 'post_signing_keys_rollover_acknowledge',
    summary: 'Confirm that a manual-delivery application has the next key',
    tag: TAG,
    scopes: ['update:signing_keys'],
    requestBody: jsonBody(ref('RolloverAcknowledgement')),
    responses: { 200: json('The acknowledgement', ref('RolloverAcknowledgement')) },
    errors: [...READS_BODY, 404, 409],
  }),
  managed({
    route: 'api-signing-keys-policy',
    method: 'get',
    id: 'get_signing_keys_policy',
    summary: 'The rotation policy, the next scheduled rotation and scheduled revocations',
    tag: TAG,
    scopes: ['read:signing_keys'],
    responses: { 200: json('The policy', ref('RotationPolicy')) },
  }),
];
