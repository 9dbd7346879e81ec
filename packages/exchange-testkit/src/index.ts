export {
  candleAnswerProblems,
  describeExchangeContract,
  EXCHANGE_CONTRACT_VERSION,
  type IExchangeContractOptions,
} from "./describeExchangeContract";
