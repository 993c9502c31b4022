// The one peer seam: the module is loaded once; a failure names the package and is retried.
import { describe, expect, it } from "vitest";
import { PeerDependencyError } from "./errors.js";
import { importPeer, peerModule, type PeerLoader } from "./peer-loader.js";
import { moduleNotFound } from "./test-support/failures.js";


describe("peerModule", () => {
  it("loads the specifier once and answers the same module to every caller", async () => {
    const asked: string[] = [];
    const module = { name: "aws" };
    const loader: PeerLoader = async (specifier) => {
      asked.push(specifier);
      return module;
    };
    const load = peerModule<typeof module>({ packageName: "@opensearch-project/opensearch", specifier: "@opensearch-project/opensearch/aws", neededBy: "test", loader });
    const [first, second] = await Promise.all([load(), load()]);
    expect(await load()).toBe(module);
    expect(first).toBe(module);
    expect(second).toBe(module);
    expect(asked).toEqual(["@opensearch-project/opensearch/aws"]);
  });

  it("a failure is a PeerDependencyError naming the package, and is not cached: installing it later works", async () => {
    let installed = false;
    let calls = 0;
    const loader: PeerLoader = async (specifier) => {
      calls += 1;
      if (!installed) throw moduleNotFound(specifier);
      return { Signer: class {} };
    };
    const load = peerModule<object>({ packageName: "@aws-sdk/rds-signer", neededBy: "createRdsAuthTokenProvider", loader });
    const error = await load().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeerDependencyError);
    expect(error).toMatchObject({ code: "PeerDependencyMissing", packageName: "@aws-sdk/rds-signer", recoverable: false });
    expect((error as Error).message).toMatch(/^createRdsAuthTokenProvider needs .*npm install @aws-sdk\/rds-signer$/);
    installed = true;
    await expect(load()).resolves.toHaveProperty("Signer");
    await load();
    expect(calls).toBe(2);
  });

  it("a loader that throws instead of rejecting is a PeerDependencyError too", async () => {
    const load = peerModule<object>({
      packageName: "aws-msk-iam-sasl-signer-js",
      neededBy: "test",
      loader: (specifier) => {
        throw moduleNotFound(specifier);
      },
    });
    await expect(load()).rejects.toBeInstanceOf(PeerDependencyError);
  });

  it("by default imports the package itself", async () => {
    const load = peerModule<{ getSignedUrl: unknown }>({ packageName: "@aws-sdk/s3-request-presigner", neededBy: "test" });
    expect(typeof (await load()).getSignedUrl).toBe("function");
    expect(await importPeer("@aws-sdk/rds-signer")).toHaveProperty("Signer");
  });
});
