import { inspect } from "node:util";
import { startLocalSts, verifyMskAuthToken, type LocalSts } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IamAuthConfigurationError, PeerDependencyError } from "../errors.js";
import { createOpenSearchSigner } from "../opensearch/opensearch-credentials.js";
import { createMskOAuthBearerProvider, MSK_SIGNER_PACKAGE } from "./msk-oauth-bearer-provider.js";
import { notInstalled, thrownBy } from "../test-support/failures.js";

const ROLE = "arn:aws:iam::111122223333:role/stream-client";
let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
});
afterAll(() => sts.close());


describe("createMskOAuthBearerProvider", () => {
  it("makes tokens the broker's check accepts, with their full 15 minutes", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const provider = createMskOAuthBearerProvider({ region: "us-east-1", credentials: async () => set });
    const { value } = await provider();
    const verdict = await verifyMskAuthToken(value, { sts, region: "us-east-1" });
    expect(verdict).toMatchObject({ ok: true, accessKeyId: set.accessKeyId });
    if (verdict.ok) expect(verdict.tokenExpiresAt.getTime() - verdict.signedAt.getTime()).toBe(900_000);
    expect(JSON.stringify(provider) + inspect(provider)).not.toContain(value);
    provider.close();
  });

  it("a signer that is not installed is a PeerDependencyError naming the package, at first use", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const provider = createMskOAuthBearerProvider({ region: "us-east-1", credentials: async () => set, loadPeer: notInstalled });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerDependencyError);
    expect(error).toMatchObject({ code: "PeerDependencyMissing", packageName: MSK_SIGNER_PACKAGE, recoverable: false });
    expect((error as Error).message).toContain(`npm install ${MSK_SIGNER_PACKAGE}`);
    provider.close();
  });

  it("refuses at construction a horizon its credentials can never meet: HorizonUnmeetable naming durationSeconds", () => {
    // 15-minute sets cannot back a 15-minute token plus the signing margin.
    const quarterHourly = fromWebIdentity({ roleArn: ROLE, webIdentityTokenFile: "/nonexistent/token", region: "us-east-1", shared: false, durationSeconds: 900 });
    try {
      const error = thrownBy(() => createMskOAuthBearerProvider({ region: "us-east-1", credentials: quarterHourly }));
      expect(error).toBeInstanceOf(IamAuthConfigurationError);
      expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "credentials" });
      expect(error.message).toMatch(/^createMskOAuthBearerProvider: a 15-minute MSK token cannot be backed .*durationSeconds/);
    } finally {
      quarterHourly.close();
    }
  });

  it("refuses an unknown option and a missing region", () => {
    expect(() => createMskOAuthBearerProvider({ region: "us-east-1", regoin: "x" } as never)).toThrow(IamAuthConfigurationError);
    const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(() => createMskOAuthBearerProvider({ credentials: async () => sts.issueCredentials({ roleArn: ROLE }) })).toThrow(
        expect.objectContaining({ code: "MissingOption", option: "region" }),
      );
    } finally {
      if (saved[0] !== undefined) process.env.AWS_REGION = saved[0];
      if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1];
    }
  });
});

describe("createOpenSearchSigner", () => {
  it("an OpenSearch client that is not installed is a PeerDependencyError", async () => {
    const error = await createOpenSearchSigner({ region: "us-east-1", credentials: async () => sts.issueCredentials({ roleArn: ROLE }), loadPeer: notInstalled }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PeerDependencyError", code: "PeerDependencyMissing", packageName: "@opensearch-project/opensearch" });
  });
});
