import type { IncomingMessage } from "node:http";
import type { IssuedCredentials } from "./issued-credentials.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import { parseAuthorization, verifySigV4 } from "./sigv4-verifier.js";
import { StsError } from "./sts-error.js";
import type { LocalStsState } from "./sts-state.js";

const INVALID_CLIENT_TOKEN = "The security token included in the request is invalid.";

/** Checks a signed request and returns the credentials that signed it. */
export async function authenticate(
  state: LocalStsState,
  req: IncomingMessage,
  body: string,
  record: LocalStsRequest,
): Promise<IssuedCredentials> {
  const auth = parseAuthorization(req.headers.authorization);
  record.accessKeyId = auth.accessKeyId;
  const credentials = state.issued.get(auth.accessKeyId);
  if (!credentials) throw new StsError("InvalidClientTokenId", 403, INVALID_CLIENT_TOKEN);
  const token = req.headers["x-amz-security-token"];
  if (typeof token !== "string" || !credentials.sessionTokenMatches(token)) {
    throw new StsError("InvalidClientTokenId", 403, INVALID_CLIENT_TOKEN);
  }
  if (credentials.isExpired(state.now())) {
    throw new StsError("ExpiredToken", 400, "The security token included in the request is expired");
  }
  if (auth.service !== "sts") {
    throw new StsError("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'sts'.");
  }
  await verifySigV4({ method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body }, auth, credentials, state.now());
  record.roleArn = credentials.roleArn;
  return credentials;
}
