export {
  CONTEXT_SLOT_KEY,
  CONTEXT_SLOT_VERSION,
  createContextFrame,
  findContextFrame,
  findExecutionContext,
  findMethodContext,
  getExecutionContext,
  getMethodContext,
  hasExecutionContext,
  type IContextFrame,
  type IRunFrame,
  openRunFrame,
  runInContext,
  runInExecutionContext,
  runInMethodContext,
} from "./contextStorage";
export type { IExecutionContext, IMethodContext } from "./executionContext";
export { type IGlobalSlot, sharedGlobalSlot } from "./globalSlot";
export { MovingExecutionContext } from "./movingExecutionContext";
