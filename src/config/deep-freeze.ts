/** Recursive `Object.freeze`, so no module can change the configuration others read. */

/** Freezes `value` and every object or array reachable from it; returns `value`. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
