// One readable line for each kind of change of an open position (an `updated` tick result): a partial
// exit, an added entry, breakeven, a moved stop or take, a trailing take that started. Shared by the
// live report and the CLI's live event lines, so a change reads the same in both.

import type { IStrategyTickResultUpdated } from "@bt/core";
import { formatMoney, formatPercent, formatPrice, formatRatio } from "./formatValue";

/**
 * Describes the change of an `updated` result, e.g. "partial exit (take_profit_ladder): 50.00% of the
 * open size at 105.0000", "entry added (dca_ladder) at 97.0000, cost 1000.00", "breakeven: stop loss
 * 98.0000 → 100.2000", "stop loss moved (trailing): 98.0000 → 99.5000". Prices with formatPrice, the
 * cost of an unsized trade's entry as a multiple of its first entry.
 * @example
 * listenSignalLive((result) => { if (result.action === "updated") console.log(describePositionUpdate(result)); });
 */
export function describePositionUpdate(result: IStrategyTickResultUpdated): string {
  const { update } = result;
  switch (update.kind) {
    case "partial":
      return `partial exit (${update.reason}): ${formatPercent(update.fraction * 100)} of the open size at ${formatPrice(update.price)}`;
    case "entry": {
      const cost =
        result.signal.cost === null ? `${formatRatio(update.cost)}× first entry` : formatMoney(update.cost);
      return `entry added (${update.source}) at ${formatPrice(update.price)}, cost ${cost}`;
    }
    case "breakeven":
      return update.from === update.to
        ? `breakeven: stop loss stays at ${formatPrice(update.to)} (already past the breakeven price)`
        : `breakeven: stop loss ${formatPrice(update.from)} → ${formatPrice(update.to)}`;
    case "stop_moved":
      return `stop loss moved (${update.source}): ${formatPrice(update.from)} → ${formatPrice(update.to)}`;
    case "take_moved":
      return `take profit moved (${update.source}): ${formatPrice(update.from)} → ${formatPrice(update.to)}`;
    case "trailing_take":
      return `take profit reached at ${formatPrice(update.price)}: the exit now trails the best price`;
    default: {
      // A kind added to core fails to compile here.
      const unknown: never = update;
      return `changed (${(unknown as { kind: string }).kind})`;
    }
  }
}
