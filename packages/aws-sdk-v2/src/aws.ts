// The one place that loads aws-sdk v2. `aws-sdk/global` is the SDK's namespace without its ~400
// service clients (about a third of the cost of `aws-sdk`), and it is the very same module object
// as `require("aws-sdk")`, so our subclass extends the app's `AWS.Credentials`. `aws-sdk` is a peer
// dependency: Node resolves it from the app's node_modules for both our ESM and our CJS build, and
// both go through Node's single CommonJS cache, so the SDK is never loaded twice.
import AWS from "aws-sdk/global.js";

export default AWS;
