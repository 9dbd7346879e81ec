// Worker-thread entry of the sweep pool, plain JavaScript so Node loads it as-is. Built (dist), the task
// is threadTask.js beside it; from source it registers tsx's ESM loader first and imports threadTask.ts.
// Tinypool calls the default export with each task.

import { existsSync } from "node:fs";

const builtTask = new URL("./threadTask.js", import.meta.url);
let taskUrl = builtTask;
if (!existsSync(builtTask)) {
  const { register } = await import("tsx/esm/api");
  register();
  globalThis[Symbol.for("@bt/cluster/tsxRegistered")] = true;
  taskUrl = new URL("./threadTask.ts", import.meta.url);
}
const { runThreadTask } = await import(taskUrl.href);

export default runThreadTask;
