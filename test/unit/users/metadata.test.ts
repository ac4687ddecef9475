// user_metadata: bounded JSON, merged at the root as Auth0 does (null removes a field, {} clears all).
import { expect } from 'chai';
import { mergeMetadata, METADATA_LIMITS, validMetadata } from '../../../src/users/metadata.js';
import { FedmetaError } from '../../../src/errors.js';

function refused(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect((error as FedmetaError).code).to.equal('invalid_body');
    return (error as FedmetaError).message;
  }
  throw new Error('accepted');
}

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { level: nested(depth - 1) });

describe('users/metadata: user_metadata bounds and merge', () => {
  it('accepts JSON objects up to the limits, with nested objects, arrays, numbers, booleans', () => {
    const value = { plan: 'gold', seats: 3, trial: false, tags: ['a', 'b'], address: { city: 'Paris' }, deep: nested(METADATA_LIMITS.depth - 1) };
    expect(validMetadata(value)).to.deep.equal(value);
    expect(validMetadata(undefined)).to.deep.equal({});
  });

  it('refuses what is not a bounded object, naming the path', () => {
    expect(refused(() => validMetadata([]))).to.include('object');
    expect(refused(() => validMetadata('x'))).to.include('object');
    expect(refused(() => validMetadata({ deep: nested(METADATA_LIMITS.depth) }))).to.include('nest');
    expect(refused(() => validMetadata({ big: 'x'.repeat(METADATA_LIMITS.stringLength + 1) }))).to.include('user_metadata.big');
    expect(refused(() => validMetadata({ a: { b: 'x\u0000' } }))).to.include('user_metadata.a.b');
    expect(refused(() => validMetadata(Object.fromEntries(Array.from({ length: METADATA_LIMITS.fields + 1 }, (_, i) => [`f${i}`, i]))))).to.include('fields');
    const wide = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}`, 'x'.repeat(4000)]));
    expect(refused(() => validMetadata(wide))).to.include('bytes');
    expect(refused(() => validMetadata({ '': 1 }))).to.include('field names');
  });

  it("merges at the root: fields added or replaced, null removes one, {} clears all; a field named __proto__ stays data", () => {
    const current = { hobby: 'surfing', address: { home: 'A', work: 'B' }, color: 'red' };
    expect(mergeMetadata(current, { address: { home: 'C' }, color: null, plan: 'gold' })).to.deep.equal({ hobby: 'surfing', address: { home: 'C' }, plan: 'gold' });
    expect(mergeMetadata(current, {})).to.deep.equal({});
    const merged = mergeMetadata({}, JSON.parse('{"__proto__": {"admin": true}}'));
    expect(Object.getPrototypeOf(merged)).to.equal(Object.prototype);
    expect((merged as Record<string, unknown>).admin).to.equal(undefined);
    expect(Object.keys(merged)).to.deep.equal(['__proto__']);
  });
});
