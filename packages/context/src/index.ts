export {
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
