// A risk profile at run time: its validations and the active positions of every strategy sharing
// it inside one engine instance (as in live, where they run side by side). A validation rejects by
// throwing (the message), returning a non-empty string (the reason) or returning false.

import type { IRiskActivePosition, IRiskCheckArgs, IRiskSchema, RiskValidationFn } from "@bt/core";

/** Why a signal was rejected by a risk profile. */
export interface IRiskRejection {
  reason: string;
  validationIndex: number;
}

/** The outcome of a check: the arguments the validations saw and the rejection, if any. */
export interface IRiskOutcome {
  args: IRiskCheckArgs;
  rejection: IRiskRejection | null;
}

/** Position key inside a profile: one position per (strategy, exchange, symbol). */
export function positionKey(strategyName: string, exchangeName: string, symbol: string): string {
  return `${strategyName}\u0000${exchangeName}\u0000${symbol}`;
}

/** Run-time state and checks of one risk profile. */
export class ClientRisk {
  private readonly positions = new Map<string, IRiskActivePosition>();
  private readonly validations: ReadonlyArray<{ validate: RiskValidationFn; note: string | undefined }>;

  constructor(readonly schema: IRiskSchema) {
    this.validations = schema.validations.map((validation) =>
      typeof validation === "function"
        ? { validate: validation, note: undefined }
        : { validate: validation.validate, note: validation.note },
    );
  }

  /** Number of open positions in the profile. */
  get activePositionCount(): number {
    return this.positions.size;
  }

  /** Runs every validation in order; the first rejection wins. Call inside the ambient context. */
  async check(args: Omit<IRiskCheckArgs, "activePositionCount" | "activePositions">): Promise<IRiskOutcome> {
    const activePositions = [...this.positions.values()];
    const full: IRiskCheckArgs = { ...args, activePositionCount: activePositions.length, activePositions };
    for (let index = 0; index < this.validations.length; index++) {
      const { validate, note } = this.validations[index] as (typeof this.validations)[number];
      let outcome: unknown;
      try {
        outcome = await validate(full);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          args: full,
          rejection: { reason: message || `validation #${index} threw`, validationIndex: index },
        };
      }
      if (typeof outcome === "string" && outcome.length > 0) {
        return { args: full, rejection: { reason: outcome, validationIndex: index } };
      }
      if (outcome === false) {
        const reason = `risk "${this.schema.riskName}" validation #${index}${note ? ` (${note})` : ""} returned false`;
        return { args: full, rejection: { reason, validationIndex: index } };
      }
    }
    return { args: full, rejection: null };
  }

  addPosition(position: IRiskActivePosition): void {
    this.positions.set(positionKey(position.strategyName, position.exchangeName, position.symbol), position);
  }

  removePosition(strategyName: string, exchangeName: string, symbol: string): void {
    this.positions.delete(positionKey(strategyName, exchangeName, symbol));
  }
}
