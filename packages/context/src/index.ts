export {
  CONTEXT_SLOT_KEY,
  CONTEXT_SLOT_VERSION,
  findExecutionContext,
  findMethodContext,
  getExecutionContext,
  getMethodContext,
  hasExecutionContext,
  type IContextFrame,
  runInContext,
  runInExecutionContext,
  runInMethodContext,
} from "./contextStorage";
export type { IExecutionContext, IMethodContext } from "./executionContext";
export { type IGlobalSlot, sharedGlobalSlot } from "./globalSlot";
