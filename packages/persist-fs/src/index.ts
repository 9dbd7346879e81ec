export { createFsPersist, type IFsPersistOptions } from "./fsPersist";
export { fileNameToKey, keyToFileName } from "./keyFileName";
