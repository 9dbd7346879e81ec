// Validation of the arguments of the lease methods (acquireLease, renewLease, releaseLease and the `fence`
// of write/delete/batch), so every refusal names the adapter, the field and the value.

import { BtError, type ILeaseGrant } from "@bt/core";

/**
 * Throws unless `key` and `holder` are non-empty strings and `ttlMs` a finite number > 0.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertLeaseRequest(adapter: string, key: string, holder: string, ttlMs: number): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new BtError("PERSIST", `${adapter}: lease key must be a non-empty string`, {
      adapter,
      field: "key",
      value: key,
    });
  }
  if (typeof holder !== "string" || holder.length === 0) {
    throw new BtError("PERSIST", `${adapter}: lease holder must be a non-empty string`, {
      adapter,
      field: "holder",
      value: holder,
    });
  }
  assertLeaseTtl(adapter, ttlMs);
}

/**
 * Throws unless `ttlMs` is a finite number > 0.
 * @throws BtError PERSIST naming the adapter, the field and the value.
 */
export function assertLeaseTtl(adapter: string, ttlMs: number): void {
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new BtError(
      "PERSIST",
      `${adapter}: lease ttlMs must be a finite number > 0, got ${String(ttlMs)}`,
      {
        adapter,
        field: "ttlMs",
        value: ttlMs,
      },
    );
  }
}

/**
 * Throws unless `grant` has the shape of a lease grant (non-empty key, string holder, integer token).
 * @throws BtError PERSIST naming the adapter, `field` ("grant" or "fence") and the value.
 */
export function assertLeaseGrant(adapter: string, grant: ILeaseGrant, field: string): void {
  if (
    typeof grant !== "object" ||
    grant === null ||
    typeof grant.key !== "string" ||
    grant.key.length === 0 ||
    typeof grant.holder !== "string" ||
    typeof grant.token !== "number" ||
    !Number.isSafeInteger(grant.token)
  ) {
    throw new BtError("PERSIST", `${adapter}: ${field} must be a lease grant returned by acquireLease`, {
      adapter,
      field,
      value: grant,
    });
  }
}
