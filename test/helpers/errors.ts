import { expect } from 'chai';
import { FedmetaError } from '../../src/errors.js';

/** The error `run` throws, asserted to be a `type` (FedmetaError unless told), or undefined when it returns. */
export function thrown<E extends FedmetaError = FedmetaError>(
  run: () => unknown,
  type: abstract new (...args: never[]) => E = FedmetaError as unknown as abstract new (...args: never[]) => E,
): E | undefined {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as E;
  }
  return undefined;
}
