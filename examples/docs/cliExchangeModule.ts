// myExchange.ts: candle files of --data under an exchange name of its own
import type { CliExchangeFactory } from "@bt/cli";
import { createFileExchange } from "@bt/exchange-file";

const createExchange: CliExchangeFactory = ({ dataDir }) =>
  createFileExchange({ dir: dataDir, exchangeName: "my-csv" });
export default createExchange;
