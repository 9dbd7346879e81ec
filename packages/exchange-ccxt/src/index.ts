export { type CcxtBroker, type CcxtBrokerSettings, createCcxtBroker } from "./ccxtBroker";
export type { CcxtExchangeOptions } from "./ccxtClient";
export { type CcxtExchange, type CcxtExchangeSettings, createCcxtExchange } from "./ccxtExchange";
