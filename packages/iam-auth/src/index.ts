// @irsa/iam-auth: the public exports only. Each consumer signs from the shared @irsa/web-identity
// engine with a minimum validity, so what it signs lives as long as it claims.
export {};
