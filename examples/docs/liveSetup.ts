// What the @bt/engine README's Live example needs before it starts: the bundled sample registered as the
// exchange "binance", the SMA crossover strategy, and a simulated clock that replays Jan 2–3 2025 at full speed.
import { addExchange, addStrategy, createSimulatedClock } from "@bt/engine";
import { createFileExchange } from "@bt/exchange-file";
import { smaCrossover } from "./smaCrossover.ts";

addExchange(createFileExchange({ dir: "examples/data", exchangeName: "binance" }));
addStrategy(smaCrossover(10, 30, "sma-crossover"));

export const clock = createSimulatedClock(Date.UTC(2025, 0, 2));
export const stopAt = Date.UTC(2025, 0, 4);
