// The signal pipeline of one strategy: getSignal, validation, the risk profile, sizing. Every rejection
// and failure is counted in the run's IRunProblems and emitted (listenError, listenValidation,
// listenRisk); what passes is handed back to ClientStrategy, which runs core `transition` on it.

import type { IMethodContext } from "@bt/context";
import {
  countRunProblem,
  type IGlobalConfig,
  type ILogger,
  type IRunProblems,
  type ISignalDto,
  type ISizingSchema,
  type IStrategySchema,
  type ITransition,
  type StrategyState,
  validateSignal,
} from "@bt/core";
import type { EventBus } from "../events/eventBus";
import type { RunAccount } from "../portfolio/runAccount";
import { getCandles } from "../run/ambient";
import type { ClientRisk } from "./clientRisk";
import { ATR_PERIOD, averageTrueRange, computePositionCost, type ISizingHistory } from "./positionSizing";

/** Everything a ClientStrategy needs; built by the runner from the registries. */
export interface IClientStrategyParams {
  schema: IStrategySchema;
  symbol: string;
  exchangeName: string;
  backtest: boolean;
  config: Readonly<IGlobalConfig>;
  method: IMethodContext;
  bus: EventBus;
  logger: ILogger;
  risk: ClientRisk | undefined;
  sizing: ISizingSchema | undefined;
  /** Quote-currency balance used by sizing when the run has no account (live). */
  accountBalance: number;
  /**
   * Backtest: the run's account (shared by a portfolio's runs). It stakes every signal that passed the
   * pipeline, refuses one past its limits (a "risk" problem named "account"), and sizing reads its
   * balance.
   */
  account?: RunAccount;
  /**
   * Live only: makes a state change durable (persistence, broker) before it is applied. Called with
   * every transition that changes the state; when it throws, the state stays as it was. Returns the
   * transition as executed (live: the broker's fill prices and times), which is what is applied.
   */
  commit?: (previous: StrategyState, next: ITransition) => Promise<ITransition>;
  /** Where the run counts its problems (default: a fresh record, see `problems`). */
  problems?: IRunProblems;
}

/** A signal that passed the pipeline: as getSignal returned it and with its sized cost. */
export interface ISignalProposal {
  proposed: ISignalDto;
  /** The stake: what the strategy set, else what sizing or the account set (undefined: unsized). */
  cost: number | undefined;
}

/** The message of anything thrown (an Error's message, else its text). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : String(error);
}

/** getSignal → validation → risk → sizing for one ClientStrategy. */
export class SignalPipeline {
  constructor(
    private readonly params: IClientStrategyParams,
    private readonly problems: IRunProblems,
    private readonly history: ISizingHistory,
    /** Awaits a user callback; an error is counted under `name` and goes to listenError. */
    private readonly callSafely: (name: string, fn: () => unknown) => Promise<void>,
  ) {}

  /** Counts a getSignal call about to be made. */
  countSignalCall(): void {
    this.problems.getSignalCalls++;
  }

  /** Counts a getSignal call that threw and sends the error to listenError. */
  getSignalFailed(error: unknown, nowMs: number): void {
    const { schema, symbol, bus } = this.params;
    this.problems.getSignalFailures++;
    countRunProblem(this.problems, "error", "getSignal", messageOf(error), nowMs);
    bus.emitError(error, {
      source: "getSignal",
      strategyName: schema.strategyName,
      symbol,
      timestamp: nowMs,
    });
  }

  /**
   * Validation → risk → sizing → the account of what getSignal returned. Returns the signal as proposed
   * and its stake, or null when it is rejected (or sizing threw).
   */
  async vet(proposed: ISignalDto, nowMs: number, currentPrice: number): Promise<ISignalProposal | null> {
    const { schema, symbol, bus, config, backtest } = this.params;
    const problems = validateSignal(proposed, currentPrice, config);
    if (problems.length > 0) {
      this.reject(proposed, problems, currentPrice, nowMs);
      return null;
    }
    const risk = this.params.risk;
    if (risk !== undefined) {
      const args = {
        symbol,
        strategyName: schema.strategyName,
        exchangeName: this.params.exchangeName,
        pendingSignal: proposed,
        currentPrice,
        timestamp: nowMs,
      };
      const { args: seen, rejection } = await risk.check(args);
      if (rejection !== null) {
        countRunProblem(this.problems, "risk", risk.schema.riskName, rejection.reason, nowMs);
        if (bus.risk.observed) {
          bus.risk.next({
            ...args,
            riskName: risk.schema.riskName,
            reason: rejection.reason,
            validationIndex: rejection.validationIndex,
            activePositionCount: seen.activePositionCount,
            backtest,
          });
        }
        const onRejected = risk.schema.callbacks?.onRejected;
        if (onRejected)
          await this.callSafely("risk.onRejected", () => onRejected(symbol, seen, rejection.reason));
        return null;
      }
      const onAllowed = risk.schema.callbacks?.onAllowed;
      if (onAllowed) await this.callSafely("risk.onAllowed", () => onAllowed(symbol, seen));
    }
    let cost = proposed.cost;
    const sizing = this.params.sizing;
    if (sizing !== undefined && proposed.cost === undefined) {
      const priceOpen = proposed.priceOpen ?? currentPrice;
      let atr: number | undefined;
      if (sizing.method === "atr-based") {
        try {
          atr = averageTrueRange(await getCandles(symbol, schema.interval, ATR_PERIOD + 1));
        } catch (error) {
          countRunProblem(this.problems, "error", "sizing", messageOf(error), nowMs);
          bus.emitError(error, {
            source: "sizing",
            strategyName: schema.strategyName,
            symbol,
            timestamp: nowMs,
          });
          return null;
        }
      }
      const sized = computePositionCost(sizing, {
        accountBalance: this.params.account?.balance ?? this.params.accountBalance,
        priceOpen,
        priceTakeProfit: proposed.priceTakeProfit,
        priceStopLoss: proposed.priceStopLoss,
        history: this.history,
        atr,
      });
      if ("problem" in sized) {
        this.reject(
          proposed,
          [{ field: "cost", value: undefined, message: sized.problem, reason: sized.problem }],
          currentPrice,
          nowMs,
        );
        return null;
      }
      cost = sized.cost;
    }
    const account = this.params.account;
    if (account !== undefined) {
      const admission = account.admit(cost);
      if ("problem" in admission) {
        this.refuseByAccount(proposed, admission.problem, account.openCount, currentPrice, nowMs);
        return null;
      }
      cost ??= admission.cost;
    }
    return { proposed, cost };
  }

  /** Counts and emits (listenRisk, riskName "account") a signal the account cannot stake. */
  private refuseByAccount(
    proposed: ISignalDto,
    reason: string,
    activePositionCount: number,
    currentPrice: number,
    nowMs: number,
  ): void {
    const { schema, symbol, bus, backtest, exchangeName } = this.params;
    countRunProblem(this.problems, "risk", "account", reason, nowMs);
    if (!bus.risk.observed) return;
    bus.risk.next({
      symbol,
      strategyName: schema.strategyName,
      exchangeName,
      riskName: "account",
      pendingSignal: proposed,
      reason,
      validationIndex: -1,
      currentPrice,
      timestamp: nowMs,
      activePositionCount,
      backtest,
    });
  }

  /** Counts and emits a validation rejection of `signal` (logged as a warning). */
  reject(
    signal: unknown,
    problems: ReturnType<typeof validateSignal>,
    currentPrice: number,
    nowMs: number,
  ): void {
    const { bus, symbol, schema, exchangeName, backtest, logger } = this.params;
    for (const problem of problems) {
      countRunProblem(this.problems, "validation", "validation", problem.reason, nowMs);
    }
    logger.warn(
      `Signal of ${schema.strategyName} on ${symbol} rejected: ${problems.map((p) => p.message).join("; ")}`,
    );
    if (!bus.validation.observed) return;
    bus.validation.next({
      symbol,
      strategyName: schema.strategyName,
      exchangeName,
      signal,
      problems,
      currentPrice,
      timestamp: nowMs,
      backtest,
    });
  }
}
