import {
  createRng,
  createTpeSampler,
  deriveSeed,
  type ITrialObservation,
  parseSearchSpace,
} from "@bt/research";

const space = parseSearchSpace({ x: { type: "float", low: -10, high: 10 }, mode: ["a", "b"] });
const sampler = createTpeSampler();
const history: ITrialObservation[] = [];
for (let trialNumber = 0; trialNumber < 60; trialNumber++) {
  const rng = createRng(deriveSeed("my-study", "trial", trialNumber)); // one stream per trial
  const params = sampler.sample({ space, history, rng, trialNumber });
  const value = -(((params.x as number) - 2) ** 2) - (params.mode === "b" ? 0 : 1); // maximised
  history.push({ params, value });
}
const best = history.reduce((left, right) =>
  (right.value ?? -Infinity) > (left.value ?? -Infinity) ? right : left,
);
console.log(`best of 60: mode ${best.params.mode}, x ${(best.params.x as number).toFixed(2)}`);
