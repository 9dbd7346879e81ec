import { createMemoryPersistV2, withPersistFaults } from "@bt/persist-testkit";

const records = new Map<string, string>(); // survives the "process"
const persist = withPersistFaults(createMemoryPersistV2({ records }), {
  atomicBatch: false, // batches applied one op at a time, so a death can land between two steps
  dieAfterOperations: 7, // after 7 record operations every call throws BtError PERSIST
  onDeath: () => console.log(`died after ${persist.operations} operations`), // e.g. stop the Live run
});
persist.failNext("write", { times: 2 }); // transient failures, nothing applied
for (let attempt = 1; attempt <= 3; attempt++) {
  const ok = await persist.write("position", "run-1/a", { attempt }).then(
    () => true,
    () => false,
  );
  console.log(`write attempt ${attempt}: ${ok ? "ok" : "failed"}`);
}
persist.failNext("batch", { applied: true }); // applied, then throws: an unknown outcome
await persist.batch([{ op: "write", entity: "cursor", key: "run-1", value: 1 }]).catch(() => undefined);
await persist.corrupt("position", "run-1/a"); // quarantined and reported on the next read/list/init
console.log(await persist.read("position", "run-1/a"), persist.corruptions().length);
while (!persist.dead) await persist.write("order", "o-1", 1).catch(() => undefined); // … until it dies
const restarted = withPersistFaults(createMemoryPersistV2({ records })); // same data after a "restart"
console.log(await restarted.read("cursor", "run-1"));
