// When a presigned IAM auth token dies by its own claim: X-Amz-Date + X-Amz-Expires.

/**
 * `X-Amz-Date` + `X-Amz-Expires` of a presigned token or URL, epoch ms; `undefined` when the
 * token does not carry both (the caller then uses its own clock).
 *
 * @example
 * ```ts
 * const expiresAt = authTokenExpiresAt(await password()); // X-Amz-Date + 900 s for an RDS token
 * ```
 */
export function authTokenExpiresAt(token: string): number | undefined {
  const date = /[?&]X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(token);
  const expires = /[?&]X-Amz-Expires=(\d+)/.exec(token);
  if (date === null || expires === null) return undefined;
  const [, y, mo, d, h, mi, s] = date.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) + Number(expires[1]) * 1000;
}
