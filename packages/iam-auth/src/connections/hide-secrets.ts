// Node's util.inspect hook, by its registered name: no import of node:util at load.
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Makes `target` print (JSON.stringify, util.inspect, console.log) as `view()`: never a token or secret. */
export function hideSecrets<T extends object>(target: T, view: () => Record<string, unknown>): T {
  Object.defineProperty(target, "toJSON", { value: view, enumerable: false });
  Object.defineProperty(target, INSPECT, { value: () => view(), enumerable: false });
  return target;
}
