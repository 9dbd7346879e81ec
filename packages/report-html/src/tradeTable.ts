// A run's closed trades as a sortable table: every cell carries a data-sort value (a number for
// numeric columns, so 10 sorts after 9), and the page's script sorts rows when a header is clicked.

import { escapeHtml } from "./escapeHtml";
import { formatDuration, formatMoney, formatPercent, formatPrice, formatTime } from "./formatValue";
import type { ITradeRow } from "./tradeRows";

interface ITradeColumn {
  header: string;
  numeric: boolean;
  /** Cell text and sort value; null → "—" (sorted last). */
  cell: (trade: ITradeRow) => { text: string; sort: number | string; title?: string } | null;
}

function money(value: number | null | undefined) {
  return value === undefined || value === null ? null : { text: formatMoney(value), sort: value };
}

const COLUMNS: ReadonlyArray<ITradeColumn> = [
  { header: "#", numeric: true, cell: (trade) => ({ text: String(trade.number), sort: trade.number }) },
  { header: "Side", numeric: false, cell: (trade) => ({ text: trade.position, sort: trade.position }) },
  {
    header: "Opened (UTC)",
    numeric: true,
    cell: (trade) => ({ text: formatTime(trade.openMs), sort: trade.openMs }),
  },
  {
    header: "Closed (UTC)",
    numeric: true,
    cell: (trade) => ({ text: formatTime(trade.closeMs), sort: trade.closeMs }),
  },
  {
    header: "Held",
    numeric: true,
    cell: (trade) => ({ text: formatDuration(trade.holdingMinutes), sort: trade.holdingMinutes }),
  },
  {
    header: "Price open",
    numeric: true,
    cell: (trade) => ({
      text: formatPrice(trade.priceOpen),
      sort: trade.priceOpen,
      title: `average entry ${formatPrice(trade.priceOpenAverage)}`,
    }),
  },
  {
    header: "Price close",
    numeric: true,
    cell: (trade) => ({ text: formatPrice(trade.priceClose), sort: trade.priceClose }),
  },
  {
    header: "TP",
    numeric: true,
    cell: (trade) => ({ text: formatPrice(trade.priceTakeProfit), sort: trade.priceTakeProfit }),
  },
  {
    header: "SL",
    numeric: true,
    cell: (trade) => ({ text: formatPrice(trade.priceStopLoss), sort: trade.priceStopLoss }),
  },
  {
    header: "Reason",
    numeric: false,
    cell: (trade) => ({ text: trade.closeReason, sort: trade.closeReason }),
  },
  {
    header: "PnL %",
    numeric: true,
    cell: (trade) => ({ text: formatPercent(trade.pnlPercent), sort: trade.pnlPercent }),
  },
  { header: "PnL", numeric: true, cell: (trade) => money(trade.money?.pnlCost) },
  { header: "Fees", numeric: true, cell: (trade) => money(trade.money?.feeCost) },
  { header: "Cost", numeric: true, cell: (trade) => money(trade.money?.cost) },
  { header: "Balance after", numeric: true, cell: (trade) => money(trade.money?.balanceAfter) },
  {
    header: "Partial exits",
    numeric: true,
    cell: (trade) =>
      trade.partialExits.length === 0
        ? { text: "0", sort: 0 }
        : {
            text: String(trade.partialExits.length),
            sort: trade.partialExits.length,
            title: trade.partialExits
              .map(
                (exit) =>
                  `${formatTime(exit.atMs)} ${formatPrice(exit.price)} ×${(exit.fraction * 100).toFixed(1)}% (${exit.reason})`,
              )
              .join("; "),
          },
  },
  {
    header: "Note",
    numeric: false,
    cell: (trade) => (trade.note === "" ? null : { text: trade.note, sort: trade.note }),
  },
];

/** The trade table of a run (id `${runId}-trades`); `quoteCurrency` names the money columns' unit. */
export function tradeTable(runId: string, trades: ReadonlyArray<ITradeRow>, quoteCurrency?: string): string {
  if (trades.length === 0) return `<p class="note">No closed trades.</p>`;
  const unit = quoteCurrency === undefined ? "" : ` (${escapeHtml(quoteCurrency)})`;
  const moneyHeaders = new Set(["PnL", "Fees", "Cost", "Balance after"]);
  const head = COLUMNS.map(
    (column, index) =>
      `<th scope="col" aria-sort="none" data-sort-type="${column.numeric ? "number" : "text"}" data-column="${index}"><button type="button">${escapeHtml(column.header)}${moneyHeaders.has(column.header) ? unit : ""}</button></th>`,
  ).join("");
  const rows = trades
    .map((trade) => {
      const cells = COLUMNS.map((column) => {
        const cell = column.cell(trade);
        if (cell === null) return `<td class="empty" data-sort="">—</td>`;
        const title = cell.title === undefined ? "" : ` title="${escapeHtml(cell.title)}"`;
        const classes = [column.numeric ? "num" : ""];
        if (column.header.startsWith("PnL")) {
          const value = Number(cell.sort);
          classes.push(value > 0 ? "win" : value < 0 ? "loss" : "");
        }
        const className = classes.filter((name) => name !== "").join(" ");
        const classAttribute = className === "" ? "" : ` class="${className}"`;
        return `<td${classAttribute} data-sort="${escapeHtml(String(cell.sort))}"${title}>${escapeHtml(cell.text)}</td>`;
      }).join("");
      return `<tr data-signal-id="${escapeHtml(trade.signalId)}">${cells}</tr>`;
    })
    .join("\n");
  return `<div class="table-scroll"><table class="trades sortable" id="${runId}-trades">
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}
