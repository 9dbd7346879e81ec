export { NESTED_PERSIST_VALUE, ODD_PERSIST_KEYS, ODD_PERSIST_KEYS_V2 } from "./contractFixtures";
export {
  describePersistContract,
  type IPersistContractOptions,
  PERSIST_CONTRACT_VERSION,
} from "./describePersistContract";
export {
  describePersistContractV2,
  type IPersistContractV2Options,
  PERSIST_CONTRACT_VERSION_V2,
} from "./describePersistContractV2";
export { createMemoryPersist, type IMemoryPersistOptions } from "./memoryPersist";
export {
  createMemoryPersistV2,
  type IMemoryPersistV2Options,
  memoryLeaseIdV2,
  memoryRecordIdV2,
} from "./memoryPersistV2";
export {
  type IFailNextOptions,
  type IFaultyPersistV2,
  type IPersistFaultOptions,
  type PersistMethodV2,
  withPersistFaults,
} from "./withPersistFaults";
