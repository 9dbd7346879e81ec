// Issue 17 acceptance: live equals backtest on the same candles for each position-management example
// (examples/strategies/{trailingStop,breakeven,takeProfitLadder,dcaLadder,positionCommands}.ts). Each is
// backtested on the bundled synthetic BTCUSDT data through @bt/exchange-file (as `bt backtest` builds it)
// and run live over the same span on a simulated clock with the paper broker (the backtest config's fee
// and slippage); every closed trade must agree: open / close times, close reason, every fill's model
// price, kind, source / reason, cost / fraction and time, and the net pnl. Each example must actually
// trail, move to breakeven, take partials or add entries in the span (asserted: no vacuous pass).
// An unsized signal is staked by the backtest's account (so a backtest has money figures) and stays
// unsized in live (a venue needs a size; the paper broker takes one unit): entry costs are compared in
// units of the first entry's cost, which is what an unsized signal's costs are.

import { fileURLToPath, pathToFileURL } from "node:url";
import type { IStrategySchema, IStrategyTickResult, IStrategyTickResultClosed, PositionFill } from "@bt/core";
import { createEngine, createPaperBroker, createSimulatedClock, type IEngine } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";
import { describe, expect, it } from "vitest";

const DATA_DIR = fileURLToPath(new URL("../../examples/data/", import.meta.url));
const STRATEGIES_DIR = fileURLToPath(new URL("../../examples/strategies/", import.meta.url));

/**
 * An example strategy file's exports, loaded as `bt backtest` loads a user file (its @bt/* imports
 * resolve from this package: see vitest.config.ts). Imported by path, so the examples (not a package,
 * with no tsconfig of their own) stay out of this package's typecheck.
 */
async function loadExample<T = { default: IStrategySchema }>(name: string): Promise<T> {
  return (await import(pathToFileURL(`${STRATEGIES_DIR}${name}.ts`).href)) as T;
}

const [trailingStop, breakeven, takeProfitLadder, dcaLadder, positionCommands] = (await Promise.all(
  ["trailingStop", "breakeven", "takeProfitLadder", "dcaLadder", "positionCommands"].map(
    async (name) => (await loadExample(name)).default,
  ),
)) as [IStrategySchema, IStrategySchema, IStrategySchema, IStrategySchema, IStrategySchema];
const SYMBOL = "BTCUSDT";
const EXCHANGE = "file";
/** Four days of the sample data (the SMA needs the first day's 15m candles as history). */
const START_MS = Date.UTC(2025, 0, 2);
const END_MS = Date.UTC(2025, 0, 6);
/** Not the defaults, so the test shows both runs take the same config (and the paper broker its fee and slippage). */
const CONFIG = { CC_PERCENT_FEE: 0.075, CC_PERCENT_SLIPPAGE: 0.05 };

function exampleEngine(strategy: IStrategySchema): IEngine {
  const engine = createEngine({ config: CONFIG });
  engine.addExchange(createFileExchange({ dir: DATA_DIR, exchangeName: EXCHANGE }));
  engine.addStrategy(strategy);
  return engine;
}

async function runBacktest(strategy: IStrategySchema): Promise<IStrategyTickResult[]> {
  const engine = exampleEngine(strategy);
  engine.addFrame({
    frameName: "span",
    interval: "1m",
    startDate: new Date(START_MS),
    endDate: new Date(END_MS),
  });
  const results: IStrategyTickResult[] = [];
  for await (const result of engine.Backtest.run(SYMBOL, {
    strategyName: strategy.strategyName,
    exchangeName: EXCHANGE,
    frameName: "span",
  }))
    results.push(result);
  return results;
}

async function runLive(strategy: IStrategySchema): Promise<IStrategyTickResult[]> {
  const engine = exampleEngine(strategy);
  const errors: string[] = [];
  engine.listenError((error) => {
    errors.push(error.message);
  });
  const clock = createSimulatedClock(START_MS);
  // The paper broker fills at the requested price moved by the config's slippage and charges its fee.
  const broker = createPaperBroker({ config: engine.getConfig(), now: () => clock.now() });
  engine.setLogger({
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  });
  const results: IStrategyTickResult[] = [];
  for await (const result of engine.Live.run(
    SYMBOL,
    { strategyName: strategy.strategyName, exchangeName: EXCHANGE },
    // In memory (no persist): the crash and fault suites cover the stores; here only the decisions count.
    { broker, clock, stopAt: END_MS, handleProcessSignals: false },
  ))
    results.push(result);
  await engine.waitForListeners();
  expect(errors).toEqual([]);
  return results;
}

const closedOf = (results: IStrategyTickResult[]) =>
  results.filter((result): result is IStrategyTickResultClosed => result.action === "closed");

/** A fill as the model decided it (the live run adds the broker's executedPrice). */
const modelFill = (fill: PositionFill) => {
  const { executedPrice: _executed, ...model } = fill;
  return model;
};

/** A fill in units of the first entry's cost (an entry's cost; exits are fractions already). */
const inFirstEntryUnits = (fill: PositionFill, firstCost: number): PositionFill =>
  fill.kind === "entry" ? { ...fill, cost: fill.cost / firstCost } : fill;

/** What must agree between the runs, pnl apart. */
const tradeOf = (result: IStrategyTickResultClosed) => ({
  id: result.signal.id,
  position: result.signal.position,
  openedAt: result.signal.pendingAt,
  closedAt: result.timestamp,
  reason: result.closeReason,
  fills: result.signal.fills.map((fill) =>
    modelFill(
      result.signal.cost === null
        ? fill
        : inFirstEntryUnits(fill, (result.signal.fills[0] as { cost: number }).cost),
    ),
  ),
  // 12 significant digits: a level moved by the breakeven rule is a cost-weighted average, whose last
  // bits depend on the unit the costs are in (the backtest's stake or live's units).
  priceStopLoss: Number(result.signal.priceStopLoss.toPrecision(12)),
  priceTakeProfit: Number(result.signal.priceTakeProfit.toPrecision(12)),
});

interface IParity {
  backtest: IStrategyTickResultClosed[];
  live: IStrategyTickResultClosed[];
  liveResults: IStrategyTickResult[];
}

/** Runs both and returns the backtest's closed trades (less the one the frame end closed) and live's. */
async function parityOf(strategy: IStrategySchema): Promise<IParity> {
  const [backtestResults, liveResults] = [await runBacktest(strategy), await runLive(strategy)];
  const live = closedOf(liveResults);
  // A position still open when live stops is the one Backtest closes as time_expired at the frame end.
  const closedInLive = new Set(live.map((result) => result.signal.id));
  const backtest = closedOf(backtestResults).filter(
    (result) => closedInLive.has(result.signal.id) || result.timestamp < END_MS - 60_000,
  );
  return { backtest, live, liveResults };
}

function expectParity({ backtest, live }: IParity): void {
  expect(live.length).toBeGreaterThan(2);
  expect(live.map(tradeOf)).toEqual(backtest.map(tradeOf));
  const slip = CONFIG.CC_PERCENT_SLIPPAGE / 100;
  for (const [index, result] of live.entries()) {
    const expected = backtest[index] as IStrategyTickResultClosed;
    // Live's pnl is computed from the paper broker's executed prices with the fee and no added
    // slippage; the backtest's from the model prices with slippage and fee. The paper broker fills at
    // the model price moved by exactly that slippage (buys up, sells down) and charges that fee, so the
    // two are the same sum in another order: equal up to floating-point rounding.
    expect(result.pnl.pnlPercentage).toBeCloseTo(expected.pnl.pnlPercentage, 8);
    const long = result.signal.position === "long";
    for (const fill of result.signal.fills) {
      const buying = long === (fill.kind === "entry");
      expect(fill.executedPrice).toBeCloseTo(fill.price * (buying ? 1 + slip : 1 - slip), 6);
    }
  }
}

const laterFills = (trades: IStrategyTickResultClosed[]) =>
  trades.flatMap((trade) => trade.signal.fills.slice(1));
const movedStops = (trades: IStrategyTickResultClosed[]) =>
  trades.filter((trade) => trade.signal.priceStopLoss !== trade.signal.originalStopLoss);

describe("live equals backtest for the position-management examples (BTCUSDT sample data, 4 days)", () => {
  it("trailingStop: the stop follows the best price (updated stop_moved in live); the same trades", async () => {
    const parity = await parityOf(trailingStop);
    expectParity(parity);
    expect(
      movedStops(parity.live).filter((trade) => trade.closeReason === "stop_loss").length,
    ).toBeGreaterThan(2);
    const trailed = parity.liveResults.filter(
      (result) =>
        result.action === "updated" &&
        result.update.kind === "stop_moved" &&
        result.update.source === "trailing",
    );
    expect(trailed.length).toBeGreaterThan(10);
  });

  it("breakeven: the stop moves to the zero-pnl price once; the same trades", async () => {
    const parity = await parityOf(breakeven);
    expectParity(parity);
    expect(parity.live.filter((trade) => trade.signal.breakevenDone).length).toBeGreaterThan(2);
    expect(
      parity.liveResults.filter((result) => result.action === "updated" && result.update.kind === "breakeven")
        .length,
    ).toBeGreaterThan(2);
  });

  it("takeProfitLadder: partial exits at the ladder's levels, each a broker order; the same trades", async () => {
    const parity = await parityOf(takeProfitLadder);
    expectParity(parity);
    const exits = laterFills(parity.live).filter(
      (fill) => fill.kind === "exit" && fill.reason === "take_profit_ladder",
    );
    expect(exits.length).toBeGreaterThan(2);
  });

  it("dcaLadder: added entries at the DCA levels (cost 1,000 then 1,500); the same trades", async () => {
    const parity = await parityOf(dcaLadder);
    expectParity(parity);
    const entries = laterFills(parity.live).filter(
      (fill) => fill.kind === "entry" && fill.source === "dca_ladder",
    );
    expect(entries.length).toBeGreaterThan(1);
    expect(new Set(entries.map((fill) => fill.kind === "entry" && fill.cost))).toEqual(
      new Set([1_000, 1_500]),
    );
  });

  it("positionCommands: commitPartialProfit and commitTrailingStop from onActive; the same trades", async () => {
    const parity = await parityOf(positionCommands);
    expectParity(parity);
    const partials = laterFills(parity.live).filter(
      (fill) => fill.kind === "exit" && fill.reason === "partial_profit",
    );
    expect(partials.length).toBeGreaterThan(1);
    expect(movedStops(parity.live).length).toBeGreaterThan(1);
  });
});
