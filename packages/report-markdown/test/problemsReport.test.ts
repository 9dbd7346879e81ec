import { countRunProblem, emptyRunProblems, type IRunProblems } from "@bt/core";
import { hasNoProblems, renderBacktestReport, renderLiveReport, renderProblems } from "@bt/report-markdown";
import { describe, expect, it } from "vitest";
import { closedSeries, MINUTE, T0 } from "../../core/test/closedFactory";
import { idleEvent } from "../../core/test/tickFactory";
import { tableAfter } from "./markdownParse";

function sampleProblems(): IRunProblems {
  const problems = emptyRunProblems();
  problems.getSignalCalls = 40;
  problems.getSignalFailures = 3;
  countRunProblem(problems, "error", "getSignal", "boom | bad\nstack line", T0);
  countRunProblem(problems, "error", "getSignal", "boom | bad", T0 + MINUTE);
  countRunProblem(problems, "error", "onClose", "listener failed", T0 + 2 * MINUTE);
  countRunProblem(
    problems,
    "validation",
    "validation",
    "priceTakeProfit must be above priceOpen",
    T0 + 3 * MINUTE,
  );
  countRunProblem(problems, "risk", "max-positions", "3 positions already open", T0 + 4 * MINUTE);
  countRunProblem(problems, "risk", "max-positions", "3 positions already open", T0 + 5 * MINUTE);
  for (let index = 0; index < 4; index++) {
    problems.cancelled.push({
      signalId: `s${index}`,
      reason: index === 3 ? "price_reject" : "timeout",
      scheduledAt: T0 + index * 60 * MINUTE,
      cancelledAt: T0 + index * 60 * MINUTE + 120 * MINUTE,
    });
  }
  return problems;
}

describe("renderProblems", () => {
  it('says "No problems." for an empty record, with the getSignal count when there were calls', () => {
    expect(renderProblems(emptyRunProblems())).toBe("## Problems\n\nNo problems.");
    const quiet = { ...emptyRunProblems(), getSignalCalls: 12 };
    expect(hasNoProblems(quiet)).toBe(true);
    expect(renderProblems(quiet)).toBe(
      "## Problems\n\ngetSignal: 12 calls, 0 failed (0.00%).\n\nNo problems.",
    );
  });

  it("tables errors, validation and risk rejections with counts and first times, and cancellations", () => {
    const markdown = renderProblems(sampleProblems(), { maxRows: 2 });
    expect(markdown.startsWith("## Problems\n\ngetSignal: 40 calls, 3 failed (7.50%).\n")).toBe(true);
    expect(markdown).not.toContain("No problems.");
    const errors = tableAfter(markdown, "### Errors");
    expect(errors.header).toEqual(["Source", "Message", "Count", "First (UTC)"]);
    expect(errors.rows).toEqual([
      ["getSignal", "boom \\| bad", "2", "2025-01-01T00:00:00.000Z"],
      ["onClose", "listener failed", "1", "2025-01-01T00:02:00.000Z"],
    ]);
    expect(tableAfter(markdown, "### Validation rejections").rows).toEqual([
      ["priceTakeProfit must be above priceOpen", "1", "2025-01-01T00:03:00.000Z"],
    ]);
    const risk = tableAfter(markdown, "### Risk rejections");
    expect(risk.header).toEqual(["Risk", "Reason", "Count", "First (UTC)"]);
    expect(risk.rows).toEqual([
      ["max-positions", "3 positions already open", "2", "2025-01-01T00:04:00.000Z"],
    ]);
    const cancelled = markdown.slice(markdown.indexOf("### Cancelled scheduled signals"));
    expect(tableAfter(cancelled).rows).toEqual([
      ["timeout", "3"],
      ["price_reject", "1"],
    ]);
    const list = tableAfter(cancelled.slice(cancelled.indexOf("| Signal |")));
    expect(list.header).toEqual(["Signal", "Reason", "Scheduled (UTC)", "Cancelled (UTC)", "Waited"]);
    expect(list.rows).toEqual([
      ["s0", "timeout", "2025-01-01T00:00:00.000Z", "2025-01-01T02:00:00.000Z", "120.0 min"],
      ["s1", "timeout", "2025-01-01T01:00:00.000Z", "2025-01-01T03:00:00.000Z", "120.0 min"],
    ]);
    expect(markdown).toContain("_… 2 more rows not shown._");
  });

  it("tables refused position commands by command and reason, after the risk rejections", () => {
    const problems = sampleProblems();
    countRunProblem(problems, "command", "commitPartialProfit", "no open position", T0 + 6 * MINUTE);
    countRunProblem(problems, "command", "commitPartialProfit", "no open position", T0 + 7 * MINUTE);
    countRunProblem(
      problems,
      "command",
      "commitTrailingStop",
      "the stop would loosen: 97 is below the stop loss 98\nat the tick of 00:08",
      T0 + 8 * MINUTE,
    );
    const markdown = renderProblems(problems);
    expect(hasNoProblems(problems)).toBe(false);
    expect(markdown.indexOf("### Risk rejections")).toBeLessThan(
      markdown.indexOf("### Refused position commands"),
    );
    expect(markdown.indexOf("### Refused position commands")).toBeLessThan(
      markdown.indexOf("### Cancelled scheduled signals"),
    );
    const commands = tableAfter(markdown, "### Refused position commands");
    expect(commands.header).toEqual(["Command", "Reason", "Count", "First (UTC)"]);
    // Counted under the first line of the reason.
    expect(commands.rows).toEqual([
      ["commitPartialProfit", "no open position", "2", "2025-01-01T00:06:00.000Z"],
      [
        "commitTrailingStop",
        "the stop would loosen: 97 is below the stop loss 98",
        "1",
        "2025-01-01T00:08:00.000Z",
      ],
    ]);
    // Commands alone are a problem to report; other tables stay out.
    const only = emptyRunProblems();
    countRunProblem(only, "command", "commitBreakeven", "no open position", T0);
    const alone = renderProblems(only, { maxRows: 0 });
    expect(alone).not.toContain("No problems.");
    expect(alone).not.toContain("### Errors");
    expect(alone).toContain("### Refused position commands");
    expect(alone).toContain("_… 1 more row not shown._");
    expect(sampleProblems().problems.some((problem) => problem.kind === "command")).toBe(false);
    expect(renderProblems(sampleProblems())).not.toContain("Refused position commands");
  });

  it("rejects a bad maxRows and supports a third-level heading", () => {
    expect(() => renderProblems(emptyRunProblems(), { maxRows: -1 })).toThrowError(/maxRows/);
    expect(renderProblems(sampleProblems(), { headingLevel: 3 })).toContain("### Problems\n");
    expect(renderProblems(sampleProblems(), { headingLevel: 3 })).toContain("#### Errors\n");
  });

  it("is included by the backtest and live reports when problems are given", () => {
    const backtest = renderBacktestReport(closedSeries([1, -1]), { problems: sampleProblems() });
    expect(backtest.indexOf("## Problems")).toBeGreaterThan(0);
    expect(backtest.indexOf("## Problems")).toBeLessThan(backtest.indexOf("## alpha · BTCUSDT"));
    expect(renderBacktestReport([], { problems: emptyRunProblems() })).toContain(
      "## Problems\n\nNo problems.",
    );
    expect(renderLiveReport([idleEvent(T0)], { problems: sampleProblems() })).toContain(
      "### Risk rejections",
    );
    expect(renderBacktestReport(closedSeries([1]))).not.toContain("## Problems");
  });
});
