/** The error code a promise rejects with, or undefined when it resolves: for asserting refusals. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  }
}
