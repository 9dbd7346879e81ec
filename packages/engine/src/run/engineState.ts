// The mutable state of one engine instance: registries, event bus, logger, shared risk clients,
// candle-store cache and the results kept for getData. Runners receive it explicitly.

import type {
  IExchangeSchema,
  IFrameSchema,
  IGlobalConfig,
  ILogger,
  IRiskSchema,
  ISizingSchema,
  IStrategySchema,
  IWalkerSchema,
} from "@bt/core";
import { DEFAULT_CONFIG, mergeConfig, SILENT_LOGGER } from "@bt/core";
import { StoreCache } from "../candles/storeCache";
import { EventBus } from "../events/eventBus";
import type { IWalkerResult } from "../events/events";
import type { LiveEventLog } from "../live/liveEventLog";
import type { LiveRunHandle } from "../live/liveRunHandle";
import type { IPortfolioRunRecord } from "../portfolio/portfolioRecord";
import { SchemaRegistry } from "../schema/schemaRegistry";
import {
  checkExchangeSchema,
  checkFrameSchema,
  checkRiskSchema,
  checkSizingSchema,
  checkStrategySchema,
  checkWalkerSchema,
} from "../schema/schemaValidation";
import { ClientRisk } from "../strategy/clientRisk";
import type { ClientStrategy } from "../strategy/clientStrategy";
import type { IBacktestRunRecord } from "./backtestRecord";

/** Everything one engine instance owns. */
export class EngineState {
  logger: ILogger = SILENT_LOGGER;
  /** This engine's configuration (a frozen value; setConfig replaces it, runs snapshot it at start). */
  config: Readonly<IGlobalConfig>;

  constructor(config: Readonly<Partial<IGlobalConfig>> = {}) {
    this.config = mergeConfig(DEFAULT_CONFIG, config);
  }
  readonly bus = new EventBus(() => this.logger);
  readonly exchanges = new SchemaRegistry<IExchangeSchema>(
    "exchange",
    "addExchange",
    "exchangeName",
    checkExchangeSchema,
    (schema) => schema.exchangeName,
  );
  readonly strategies = new SchemaRegistry<IStrategySchema>(
    "strategy",
    "addStrategy",
    "strategyName",
    checkStrategySchema,
    (schema) => schema.strategyName,
  );
  readonly frames = new SchemaRegistry<IFrameSchema>(
    "frame",
    "addFrame",
    "frameName",
    checkFrameSchema,
    (schema) => schema.frameName,
  );
  readonly risks = new SchemaRegistry<IRiskSchema>(
    "risk",
    "addRisk",
    "riskName",
    checkRiskSchema,
    (schema) => schema.riskName,
  );
  readonly sizings = new SchemaRegistry<ISizingSchema>(
    "sizing",
    "addSizing",
    "sizingName",
    checkSizingSchema,
    (schema) => schema.sizingName,
  );
  readonly walkers = new SchemaRegistry<IWalkerSchema>(
    "walker",
    "addWalker",
    "walkerName",
    checkWalkerSchema,
    (schema) => schema.walkerName,
  );
  readonly stores = new StoreCache();
  /** Risk clients by riskName, shared by every run of this engine (positions across strategies). */
  private readonly riskClients = new Map<string, ClientRisk>();
  /** The latest portfolio run per strategyName: its account and each symbol's record. */
  readonly portfolioRuns = new Map<string, IPortfolioRunRecord>();
  /** The latest (or running) backtest per (symbol, strategyName): results, problems, conditions. */
  readonly backtestRuns = new Map<string, IBacktestRunRecord>();
  /** The latest walker result per (symbol, walkerName). */
  readonly walkerResults = new Map<string, IWalkerResult>();
  /** Running strategies per (symbol, strategyName), for stop(). */
  readonly running = new Map<string, Set<ClientStrategy>>();
  /** Running live strategies per (symbol, strategyName), for Live.stop(). */
  readonly liveRuns = new Map<string, LiveRunHandle>();
  /** Results of the latest live run per (symbol, strategyName), for Live.getReport. */
  readonly liveEvents = new Map<string, LiveEventLog>();

  riskClient(schema: IRiskSchema): ClientRisk {
    let client = this.riskClients.get(schema.riskName);
    if (client === undefined || client.schema !== schema) {
      client = new ClientRisk(schema);
      this.riskClients.set(schema.riskName, client);
    }
    return client;
  }

  /** Forgets every schema, cached store, risk position and stored result (listeners stay). */
  reset(): void {
    this.exchanges.clear();
    this.strategies.clear();
    this.frames.clear();
    this.risks.clear();
    this.sizings.clear();
    this.walkers.clear();
    this.stores.clear();
    this.riskClients.clear();
    this.backtestRuns.clear();
    this.portfolioRuns.clear();
    this.walkerResults.clear();
    this.liveEvents.clear();
    for (const handle of this.liveRuns.values()) void handle.stop();
    for (const strategies of this.running.values())
      for (const strategy of strategies) strategy.stopped = true;
    this.running.clear();
  }
}

/** Key of per-(symbol, name) maps. */
export function runKey(symbol: string, name: string): string {
  return `${symbol}\u0000${name}`;
}

/** The (symbol, name) of a runKey. */
export function splitRunKey(key: string): { symbol: string; name: string } {
  const separator = key.indexOf("\u0000");
  return { symbol: key.slice(0, separator), name: key.slice(separator + 1) };
}
