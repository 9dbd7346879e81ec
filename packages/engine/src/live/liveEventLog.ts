// The events of one live strategy kept for Live.getReport: every scheduled, opened, closed and
// cancelled result, plus only the latest "active" tick of each open position (per-minute idle and
// active ticks would grow without bound in a long-running process), beside the run's config and problems.

import type { IGlobalConfig, IRunProblems, IStrategyTickResult } from "@bt/core";

/** Bounded record of a live run's results. */
export class LiveEventLog {
  private readonly log: IStrategyTickResult[] = [];
  /** Index in `log` of the latest active tick per signal id. */
  private readonly activeIndex = new Map<string, number>();

  /** `config`: the run's config; `problems`: the run's problem counts (kept live by the strategy). */
  constructor(
    readonly config: Readonly<IGlobalConfig>,
    readonly problems: IRunProblems,
  ) {}

  /** Adds a result; idle ticks and repeated scheduled ticks are not kept. */
  add(result: IStrategyTickResult, notable: boolean): void {
    switch (result.action) {
      case "idle":
        return;
      case "scheduled":
        if (notable) this.log.push(result);
        return;
      case "active": {
        const index = this.activeIndex.get(result.signal.id);
        if (index === undefined) {
          this.activeIndex.set(result.signal.id, this.log.length);
          this.log.push(result);
        } else {
          this.log[index] = result;
        }
        return;
      }
      case "closed":
        this.activeIndex.delete(result.signal.id);
        this.log.push(result);
        return;
      default:
        this.log.push(result);
    }
  }

  /** The kept results in arrival order (a copy). */
  events(): IStrategyTickResult[] {
    return [...this.log];
  }
}
