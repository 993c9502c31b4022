import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactedCredentials } from "./redact.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";

const credentials = () => ({
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: SECRET,
  sessionToken: TOKEN,
  expiration: new Date("2030-01-01T00:00:00Z"),
  accountId: "123456789012",
  credentialScope: "eu-west-1",
});

describe("redactedCredentials", () => {
  it("keeps every field readable and enumerable", () => {
    const safe = redactedCredentials(credentials());
    expect(safe.secretAccessKey).toBe(SECRET);
    expect(safe.sessionToken).toBe(TOKEN);
    expect(safe.accountId).toBe("123456789012");
    expect({ ...safe }).toEqual(credentials());
    expect(Object.keys(safe)).toEqual(Object.keys(credentials()));
  });

  it("prints redacted through JSON.stringify", () => {
    const json = JSON.stringify({ nested: redactedCredentials(credentials()) });
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(TOKEN);
    expect(JSON.parse(json).nested).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: REDACTED,
      sessionToken: REDACTED,
      expiration: "2030-01-01T00:00:00.000Z",
      accountId: "123456789012",
      credentialScope: "eu-west-1",
    });
  });

  it("prints redacted through util.inspect, nested or not", () => {
    const safe = redactedCredentials(credentials());
    for (const text of [inspect(safe), inspect({ deep: { deeper: safe } }, { depth: 5 }), `${inspect([safe])}`]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
      expect(text).toContain("ASIAEXAMPLE");
      expect(text).toContain(REDACTED);
    }
  });
});

describe("redactSecrets", () => {
  it("removes JWTs, named secrets in JSON, XML, ini and query strings, and long base64 runs", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
    const text = [
      `token file holds ${jwt}`,
      `{"secretAccessKey":"${SECRET}","sessionToken":"${TOKEN}"}`,
      `<SecretAccessKey>${SECRET}</SecretAccessKey><SessionToken>${TOKEN}</SessionToken>`,
      `aws_secret_access_key = ${SECRET}`,
      `?X-Amz-Security-Token=${TOKEN}&x=1`,
      `WebIdentityToken=${TOKEN}`,
      "A".repeat(150),
    ].join("\n");
    const redacted = redactSecrets(text);
    for (const secret of [jwt, SECRET, TOKEN, "A".repeat(150)]) expect(redacted).not.toContain(secret);
  });

  it("keeps access key ids, role ARNs and ordinary error text", () => {
    const text =
      "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity on " +
      "arn:aws:iam::123456789012:role/app (key ASIAEXAMPLE); InvalidIdentityToken: token expired";
    expect(redactSecrets(text)).toBe(text);
  });
});
