import { addExchange } from "@bt/engine";
import { createCcxtBroker, createCcxtExchange } from "@bt/exchange-ccxt";

// Market data and precision: no API key needed.
addExchange(createCcxtExchange({ exchangeId: "binance", exchangeName: "binance" }));

// Live order execution (spot): market orders sized by the signal's quantity (or cost / price);
// DCA entries and partial closes go through broker.changePosition.
const broker = createCcxtBroker({
  exchangeId: "binance",
  options: { apiKey: process.env.BINANCE_KEY, secret: process.env.BINANCE_SECRET },
});
console.log(broker.name); // nothing was sent: ccxt loads on the first call
