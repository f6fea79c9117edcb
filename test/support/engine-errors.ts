import { EngineError, type EngineErrorCode } from '../../src/engine/errors';

/** The EngineError a promise rejects with; fails the test when it resolves or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error(`Expected a rejection, got ${JSON.stringify(value)?.slice(0, 300)}`);
}

/** The same, checking its code. */
export async function expectCode(promise: Promise<unknown>, code: EngineErrorCode): Promise<EngineError> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  return error;
}
