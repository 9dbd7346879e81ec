export { createFsPersist, type IFsPersistOptions } from "./fsPersist";
export { fileNameMayHoldPrefix, fileNameToKey, keyToFileName } from "./keyFileName";
