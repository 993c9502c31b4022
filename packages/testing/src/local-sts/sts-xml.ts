import type { IssuedCredentials } from "./issued-credentials.js";
import type { StsError } from "./sts-error.js";

/** XML namespace of every STS Query response. */
export const STS_XML_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Escapes text for an XML element body (quotes need no escaping there). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"));
}

type XmlTree = { [element: string]: string | XmlTree | undefined };

function renderTree(tree: XmlTree, indent: string): string {
  return Object.entries(tree)
    .filter((entry): entry is [string, string | XmlTree] => entry[1] !== undefined)
    .map(([name, value]) =>
      typeof value === "string"
        ? `${indent}<${name}>${escapeXml(value)}</${name}>`
        : `${indent}<${name}>\n${renderTree(value, `${indent}  `)}\n${indent}</${name}>`,
    )
    .join("\n");
}

/** `<ActionResponse xmlns=...><ActionResult>...</ActionResult><ResponseMetadata>...` */
export function successXml(action: string, result: XmlTree, requestId: string): string {
  const body = renderTree(
    { [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } },
    "  ",
  );
  return `<${action}Response xmlns="${STS_XML_NAMESPACE}">\n${body}\n</${action}Response>\n`;
}

/** STS's error shape: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. */
export function errorXml(error: Pick<StsError, "type" | "code" | "message">, requestId: string): string {
  const body = renderTree(
    { Error: { Type: error.type, Code: error.code, Message: error.message }, RequestId: requestId },
    "  ",
  );
  return `<ErrorResponse xmlns="${STS_XML_NAMESPACE}">\n${body}\n</ErrorResponse>\n`;
}

/** The `<Credentials>` element. */
export function credentialsTree(credentials: IssuedCredentials): XmlTree {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: credentials.expiration.toISOString(),
  };
}

/** The `<AssumedRoleUser>` element. */
export function assumedRoleUserTree(credentials: IssuedCredentials): XmlTree {
  return { AssumedRoleId: credentials.assumedRoleId, Arn: credentials.assumedRoleArn };
}

/** A body that starts like XML and breaks off: what a truncated or corrupt response looks like. */
export function malformedXml(action: string): string {
  return `<${action}Response xmlns="${STS_XML_NAMESPACE}">\n  <${action}Result>\n    <Credentials>\n      <AccessKeyId>ASIA`;
}
