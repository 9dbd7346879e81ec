// SIGINT / SIGTERM handling for live runs: the first signal stops every registered run gracefully
// (each finishes its in-flight tick, open positions stay persisted); a second signal while stopping
// restores the default behaviour and re-sends itself, so the process ends at once.

const STOP_SIGNALS: ReadonlyArray<NodeJS.Signals> = ["SIGINT", "SIGTERM"];
const stoppers = new Set<() => Promise<void>>();
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping) {
    uninstall();
    process.kill(process.pid, signal);
    return;
  }
  stopping = true;
  void Promise.allSettled([...stoppers].map((stop) => stop())).then(() => {
    stopping = false;
  });
}

function install(): void {
  for (const signal of STOP_SIGNALS) {
    if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  }
}

function uninstall(): void {
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
}

/**
 * Calls `stop` on the first SIGINT or SIGTERM of the process (a second one kills the process the
 * default way). Returns the function that unregisters it; the handlers go when none is registered.
 */
export function stopOnProcessSignals(stop: () => Promise<void>): () => void {
  stoppers.add(stop);
  install();
  return () => {
    stoppers.delete(stop);
    if (stoppers.size === 0) uninstall();
  };
}
