// Empty arrays that will hold objects, made with the elements kind of an array of objects. A `[]` starts
// as an array of small integers and changes map at its first object; code V8 optimised on one filled array
// (a run's closed trades, a candle cache) then meets the next run's new array with the other map and
// deoptimises there. A slice of an empty array of that kind has its map from the start.

const OBJECT_ARRAY_TEMPLATE: object[] = [Object.freeze({})].slice(0, 0);

/** A new empty array of objects (see the module comment). */
export function emptyObjectArray<T extends object>(): T[] {
  return OBJECT_ARRAY_TEMPLATE.slice() as T[];
}
