import { computePnlPercent, type IPnlCosts } from "@bt/core";
import { describe, expect, it } from "vitest";

const DEFAULTS: IPnlCosts = { feePercent: 0.1, slippagePercent: 0.1 };
const FREE: IPnlCosts = { feePercent: 0, slippagePercent: 0 };

// Every expected value below is worked out by hand from the DESIGN.md formula (exact fractions in the
// comments), never produced by the code under test.
describe("computePnlPercent golden cases (DESIGN.md formula)", () => {
  it("long win at defaults: open 100, close 102", () => {
    // open'  = 100·1.001 = 100.1 ; close' = 102·0.999 = 101.898
    // gross  = (101.898 − 100.1)/100.1·100 = 179.8/100.1 = 1.7962037962037962…
    // fee    = 0.1·(1 + 101.898/100.1) = 0.1·2.0179620379620380 = 0.2017962037962038…
    // pnl    = 1.7962037962037962 − 0.2017962037962038 = 1.5944075924075924
    const gross = ((101.898 - 100.1) / 100.1) * 100;
    const fee = 0.1 * (1 + 101.898 / 100.1);
    expect(gross).toBeCloseTo(1.7962037962037962, 10);
    expect(fee).toBeCloseTo(0.2017962037962038, 10);
    expect(computePnlPercent("long", 100, 102, DEFAULTS)).toBeCloseTo(1.5944075924075924, 10);
  });

  it("long loss at defaults: open 100, close 98", () => {
    // open' = 100.1 ; close' = 98·0.999 = 97.902
    // gross = (97.902 − 100.1)/100.1·100 = −219.8/100.1 = −2.1958041958041958…
    // fee   = 0.1·(1 + 97.902/100.1) = 0.1978041958041958…
    // pnl   = −2.1958041958041958 − 0.1978041958041958 = −2.3936083916083916
    expect(computePnlPercent("long", 100, 98, DEFAULTS)).toBeCloseTo(-2.393608391608392, 10);
  });

  it("short win at defaults: open 100, close 98", () => {
    // open' = 100·0.999 = 99.9 ; close' = 98·1.001 = 98.098
    // gross = (99.9 − 98.098)/99.9·100 = 180.2/99.9 = 1.8038038038038038…
    // fee   = 0.1·(1 + 98.098/99.9) = 0.1981961961961962…
    // pnl   = 1.8038038038038038 − 0.1981961961961962 = 1.6056076076076076
    expect(computePnlPercent("short", 100, 98, DEFAULTS)).toBeCloseTo(1.6056076076076076, 10);
  });

  it("short loss at defaults: open 100, close 102", () => {
    // open' = 99.9 ; close' = 102·1.001 = 102.102
    // gross = (99.9 − 102.102)/99.9·100 = −220.2/99.9 = −2.2042042042042042…
    // fee   = 0.1·(1 + 102.102/99.9) = 0.2022042042042042…
    // pnl   = −2.2042042042042042 − 0.2022042042042042 = −2.4064084084084084
    expect(computePnlPercent("short", 100, 102, DEFAULTS)).toBeCloseTo(-2.406408408408408, 10);
  });

  it("zero costs: long 100 → 102 is +2, long 100 → 98 is −2", () => {
    // (102 − 100)/100·100 = 2 ; (98 − 100)/100·100 = −2 ; no fee term
    expect(computePnlPercent("long", 100, 102, FREE)).toBeCloseTo(2, 10);
    expect(computePnlPercent("long", 100, 98, FREE)).toBeCloseTo(-2, 10);
  });

  it("zero costs: short 100 → 98 is +2, short 100 → 102 is −2", () => {
    // (100 − 98)/100·100 = 2 ; (100 − 102)/100·100 = −2
    expect(computePnlPercent("short", 100, 98, FREE)).toBeCloseTo(2, 10);
    expect(computePnlPercent("short", 100, 102, FREE)).toBeCloseTo(-2, 10);
  });

  it("zero costs at other prices: long 250 → 260 is +4, short 40 → 50 is −25", () => {
    // (260 − 250)/250·100 = 4 ; (40 − 50)/40·100 = −25
    expect(computePnlPercent("long", 250, 260, FREE)).toBeCloseTo(4, 10);
    expect(computePnlPercent("short", 40, 50, FREE)).toBeCloseTo(-25, 10);
  });

  it("round trip at the same price at defaults costs twice (slippage + fee) on both sides", () => {
    // long:  open' = 100.1, close' = 99.9: gross = −0.2/100.1·100 = −0.1998001998…,
    //        fee = 0.1·(1 + 99.9/100.1) = 0.1998001998…, pnl = −0.3996003996003996
    // short: open' = 99.9, close' = 100.1: gross = −0.2/99.9·100 = −0.2002002002…,
    //        fee = 0.1·(1 + 100.1/99.9) = 0.2002002002…, pnl = −0.4004004004004004
    expect(computePnlPercent("long", 100, 100, DEFAULTS)).toBeCloseTo(-0.3996003996003996, 10);
    expect(computePnlPercent("short", 100, 100, DEFAULTS)).toBeCloseTo(-0.4004004004004004, 10);
  });

  it("fee only: long 100 → 102 with f = 0.1, s = 0", () => {
    // gross = 2 ; fee = 0.1·(1 + 102/100) = 0.202 ; pnl = 1.798
    expect(computePnlPercent("long", 100, 102, { feePercent: 0.1, slippagePercent: 0 })).toBeCloseTo(
      1.798,
      10,
    );
  });

  it("slippage only: short 100 → 98 with f = 0, s = 0.1", () => {
    // open' = 99.9, close' = 98.098: pnl = 180.2/99.9 = 1.8038038038038038
    expect(computePnlPercent("short", 100, 98, { feePercent: 0, slippagePercent: 0.1 })).toBeCloseTo(
      1.8038038038038038,
      10,
    );
  });

  it("non-default costs: long 20000 → 21000 with f = 0.075, s = 0.05", () => {
    // open' = 20000·1.0005 = 20010 ; close' = 21000·0.9995 = 20989.5
    // gross = 979.5/20010·100 = 4.8950524737631184… ; fee = 0.075·(1 + 20989.5/20010) = 0.1536712893553223…
    // pnl   = 4.7413811844077961…
    expect(computePnlPercent("long", 20000, 21000, { feePercent: 0.075, slippagePercent: 0.05 })).toBeCloseTo(
      4.741381184407796,
      10,
    );
  });
});
