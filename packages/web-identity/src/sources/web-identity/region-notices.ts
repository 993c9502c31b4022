import type { Logger } from "../../shared/logger.js";
import { FALLBACK_REGION, type ResolvedWebIdentityConfig } from "./config.js";

/**
 * What a provider says, once each, about the region it calls STS in where the AWS SDK's own
 * provider would call another (a drop-in never moves STS without a word): the us-east-1
 * fallback and AWS_DEFAULT_REGION as warnings (`process.emitWarning` without a logger), the
 * calling client's region at info.
 */
export function regionNotices(logger: Logger | undefined): (config: ResolvedWebIdentityConfig, callerRegion: string | undefined) => void {
  const said = new Set<string>();
  const once = (key: string, say: () => void) => {
    if (said.has(key)) return;
    said.add(key);
    say();
  };
  const warn = (message: string, code: string) => {
    if (logger?.warn) logger.warn(message);
    else process.emitWarning(message, { code });
  };
  return (config, callerRegion) => {
    if (config.regionSource === "fallback") {
      once("fallback", () =>
        warn(
          `@irsa/web-identity: no region is set (option \`region\`, \`clientConfig.region\`, AWS_REGION, AWS_DEFAULT_REGION); ` +
            `calling STS in ${FALLBACK_REGION} (sts.${FALLBACK_REGION}.amazonaws.com, which also answers for the global ` +
            "endpoint). Set AWS_REGION to the pod's region to use its regional STS endpoint.",
          "IRSA_REGION_FALLBACK",
        ),
      );
    }
    // The SDK for JavaScript ignores AWS_DEFAULT_REGION (the AWS CLI and boto3 read it).
    if (config.regionSource === "env:AWS_DEFAULT_REGION") {
      once("default-region", () =>
        warn(
          `@irsa/web-identity: calling STS in ${String(config.region)} from AWS_DEFAULT_REGION, which the AWS SDK for JavaScript ` +
            "does not read (its own provider would use the calling client's or the profile's region, else us-east-1). " +
            "Set AWS_REGION to the same value to make the two agree and silence this warning.",
          "IRSA_REGION_FROM_AWS_DEFAULT_REGION",
        ),
      );
    }
    // The SDK puts the calling client's region before AWS_REGION; we keep the pod's.
    if (callerRegion !== undefined && config.regionSource.startsWith("env:") && callerRegion !== config.region) {
      once("caller-region", () =>
        logger?.info?.(
          `@irsa/web-identity: calling STS in ${String(config.region)} (${config.regionSource.slice(4)}); the calling client is in ${callerRegion}, ` +
            "whose STS the AWS SDK's own provider would call. Set `region` to choose another.",
        ),
      );
    }
  };
}
