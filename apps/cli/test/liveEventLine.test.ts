import type { IStrategyTickResult } from "@bt/core";
import { describe, expect, it } from "vitest";
import { closedResult } from "../../../packages/core/test/closedFactory";
import { activeEvent, cancelledEvent, idleEvent, openedEvent } from "../../../packages/core/test/tickFactory";
import {
  DCA_FILLS,
  dcaTrade,
  MINUTE,
  openPosition,
  T0,
  unsizedDcaTrade,
  updatedEvent,
} from "../../../packages/report-markdown/test/positionFixtures";
import { describeOpenPosition, liveEventLine } from "../src/liveEventLine";

describe("liveEventLine", () => {
  it("prints the time, action, symbol and price of every result, as before for plain ones", () => {
    expect(liveEventLine(idleEvent(T0))).toBe("2025-01-01T00:00:00.000Z idle BTCUSDT @ 100");
    expect(liveEventLine(openedEvent({ id: "a", pendingAt: T0 }))).toBe(
      "2025-01-01T00:00:00.000Z opened BTCUSDT @ 100",
    );
    expect(liveEventLine(activeEvent({ id: "a" }, T0 + MINUTE))).toBe(
      "2025-01-01T00:01:00.000Z active BTCUSDT @ 100",
    );
    expect(liveEventLine(cancelledEvent({ id: "b" }, "timeout", T0 + 2 * MINUTE))).toBe(
      "2025-01-01T00:02:00.000Z cancelled BTCUSDT @ 100",
    );
    // Unsized: no money figure is made up.
    expect(
      liveEventLine(closedResult({ pnlPercent: 1.5, priceClose: 101.5, closeAt: T0 + 60 * MINUTE })),
    ).toBe("2025-01-01T01:00:00.000Z closed BTCUSDT @ 101.5 take_profit pnl 1.50%");
  });

  it("describes each change of an updated position and the position after it", () => {
    const afterEntry = openPosition(DCA_FILLS.slice(0, 2));
    const afterPartial = openPosition(DCA_FILLS);
    expect(
      liveEventLine(
        updatedEvent(
          afterEntry,
          { kind: "entry", source: "dca_ladder", price: 97, cost: 1000 },
          T0 + 30 * MINUTE,
          97,
        ),
      ),
    ).toBe(
      "2025-01-01T00:30:00.000Z updated BTCUSDT @ 97 entry added (dca_ladder) at 97.0000, cost 1000.00; 2 entries, avg entry 98.4772",
    );
    expect(
      liveEventLine(
        updatedEvent(
          afterPartial,
          { kind: "partial", reason: "take_profit_ladder", price: 101, fraction: 0.5 },
          T0 + 90 * MINUTE,
          101,
        ),
      ),
    ).toBe(
      "2025-01-01T01:30:00.000Z updated BTCUSDT @ 101 partial exit (take_profit_ladder): 50.00% of the open size at 101.0000; 2 entries, avg entry 98.4772, 50.00% of the entered size open",
    );
    const single = openPosition(DCA_FILLS.slice(0, 1));
    const lines = (
      [
        [{ kind: "breakeven", from: 95, to: 100.2 }, "breakeven: stop loss 95.0000 → 100.2000"],
        [
          { kind: "stop_moved", source: "trailing", from: 95, to: 99 },
          "stop loss moved (trailing): 95.0000 → 99.0000",
        ],
        [
          { kind: "take_moved", source: "command", from: 102, to: 104 },
          "take profit moved (command): 102.0000 → 104.0000",
        ],
        [
          { kind: "trailing_take", price: 102 },
          "take profit reached at 102.0000: the exit now trails the best price",
        ],
      ] as const
    ).map(([update, text]) => [liveEventLine(updatedEvent(single, update, T0 + 10 * MINUTE)), text]);
    for (const [line, text] of lines) {
      expect(line).toBe(
        `2025-01-01T00:10:00.000Z updated BTCUSDT @ 100 ${text}; 1 entry, avg entry 100.0000`,
      );
    }
  });

  it("adds the entries to the active ticks of an averaged position only", () => {
    const active: IStrategyTickResult = {
      ...updatedEvent(
        openPosition(DCA_FILLS.slice(0, 2)),
        { kind: "trailing_take", price: 1 },
        T0 + 40 * MINUTE,
        98,
      ),
      action: "active",
    };
    expect(liveEventLine(active)).toBe(
      "2025-01-01T00:40:00.000Z active BTCUSDT @ 98; 2 entries, avg entry 98.4772",
    );
  });

  it("prints the money PnL of a sized close and the fills of a managed one", () => {
    expect(liveEventLine(dcaTrade())).toBe(
      "2025-01-01T04:00:00.000Z closed BTCUSDT @ 102 take_profit pnl 2.87% (57.39 quote); 2 entries, 1 partial exit",
    );
    expect(liveEventLine(unsizedDcaTrade())).toBe(
      "2025-01-01T04:00:00.000Z closed BTCUSDT @ 102 take_profit pnl 2.87%; 2 entries, 1 partial exit",
    );
    expect(liveEventLine(closedResult({ pnlPercent: -1, cost: 250, closeAt: T0 + 60 * MINUTE }))).toBe(
      "2025-01-01T01:00:00.000Z closed BTCUSDT @ 99 stop_loss pnl -1.00% (-2.50 quote)",
    );
  });

  it("describes an open position by its entries, average entry and open share", () => {
    expect(describeOpenPosition(openPosition(DCA_FILLS.slice(0, 1)))).toBe("1 entry, avg entry 100.0000");
    expect(describeOpenPosition(openPosition(DCA_FILLS))).toBe(
      "2 entries, avg entry 98.4772, 50.00% of the entered size open",
    );
  });
});
