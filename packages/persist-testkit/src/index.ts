export { NESTED_PERSIST_VALUE, ODD_PERSIST_KEYS } from "./contractFixtures";
export {
  describePersistContract,
  type IPersistContractOptions,
  PERSIST_CONTRACT_VERSION,
} from "./describePersistContract";
export { createMemoryPersist, type IMemoryPersistOptions } from "./memoryPersist";
