import { expect } from 'chai';
import { FedmetaError, type SamlRequestError } from '../../src/errors.js';

/** The error `run` throws, asserted to be a `type` (FedmetaError unless told), or undefined when it returns. */
export function thrown<E extends FedmetaError = FedmetaError>(
  run: () => unknown,
  type: ErrorClass<E> = FedmetaError as unknown as ErrorClass<E>,
): E | undefined {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as E;
  }
  return undefined;
}

type ErrorClass<E extends FedmetaError> = abstract new (...args: never[]) => E;

/**
 * The code of the error `run` throws, or undefined when it returns. The error must be a `type`
 * (FedmetaError unless told); with `status`, an error must carry that HTTP status, and `check`
 * asserts anything else about it.
 */
export function codeOf<E extends FedmetaError = FedmetaError>(
  run: () => unknown,
  options: { type?: ErrorClass<E>; status?: number; check?: (error: E) => void } = {},
): string | undefined {
  const error = thrown<E>(run, options.type);
  if (error === undefined) return undefined;
  if (options.status !== undefined) expect(error.status, `status of ${error.code}`).to.equal(options.status);
  options.check?.(error);
  return error.code;
}

/** `status:code` of the error `run` throws (a FedmetaError), or undefined when it returns. */
export function statusAndCodeOf(run: () => unknown): string | undefined {
  const error = thrown(run);
  return error === undefined ? undefined : `${error.status}:${error.code}`;
}

/**
 * The code of a SAML request refused with a plain 400 (no SAML status to post back to the SP), or
 * undefined when `run` returns.
 */
export function plainRequestCode(run: () => unknown, type?: ErrorClass<FedmetaError>): string | undefined {
  const noSamlStatus = (error: FedmetaError) => expect((error as SamlRequestError).samlStatus, 'a plain 400 carries no SAML status').to.equal(undefined);
  return codeOf(run, { ...(type ? { type } : {}), status: 400, check: noSamlStatus });
}

/** The 400 error `run` must throw, as a SamlRequestError (to read its SAML status and response URL). */
export function requestFailure(run: () => unknown): SamlRequestError {
  const error = thrown(run);
  if (!error) throw new Error('expected an error');
  expect(error.status).to.equal(400);
  return error as SamlRequestError;
}

/**
 * A JSON error answer with `status` and `code`: Management API errors carry `errorCode`, OAuth
 * errors (RFC 6749) `error`.
 */
export async function expectJsonError(response: Response, status: number, code: string, what = code): Promise<void> {
  const text = await response.clone().text(); // the test may read the body again
  expect(response.status, `${what}: status; ${text.slice(0, 300)}`).to.equal(status);
  const body = JSON.parse(text) as { errorCode?: string; error?: string };
  expect(body.errorCode ?? body.error, `${what}: error code`).to.equal(code);
}

/** The `errorCode` of a Management API JSON error answer. */
export async function jsonErrorCode(response: Response): Promise<string> {
  return ((await response.json()) as { errorCode: string }).errorCode;
}
