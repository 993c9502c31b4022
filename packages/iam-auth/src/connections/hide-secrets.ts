import { inspect } from "node:util";

/** Makes `target` print (JSON.stringify, util.inspect, console.log) as `view()`: never a token or secret. */
export function hideSecrets<T extends object>(target: T, view: () => Record<string, unknown>): T {
  Object.defineProperty(target, "toJSON", { value: view, enumerable: false });
  Object.defineProperty(target, inspect.custom, { value: () => view(), enumerable: false });
  return target;
}
