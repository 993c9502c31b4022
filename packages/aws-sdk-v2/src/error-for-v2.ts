/**
 * The error handed to a v2 callback. aws-sdk v2 rewrites the error it receives in place (message,
 * name, code, time), and the refresh engine may hand the same error object to many callers (its
 * short error cache, v3 clients sharing the provider). So v2 gets its own copy: same prototype
 * (so `instanceof` still holds), same own properties, same message as a v3 caller sees.
 */
export function errorForV2(error: unknown): Error {
  if (!(error instanceof Error)) {
    return new Error(
      typeof error === "string" ? error : "The credential provider failed with a value that is not an Error",
    );
  }
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (!descriptor) continue;
    // v2 assigns message, name and code: keep every data property writable for it.
    if ("value" in descriptor) descriptor.writable = true;
    Object.defineProperty(copy, key, { ...descriptor, configurable: true });
  }
  return copy;
}
