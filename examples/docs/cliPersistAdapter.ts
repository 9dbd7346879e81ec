// myAdapter.ts
import type { CliPersistFactory } from "@bt/cli";
import { createRedisPersist } from "@bt/persist-redis";

const createPersist: CliPersistFactory = ({ env, onWarning }) =>
  createRedisPersist({ url: env.MY_REDIS_URL, keyPrefix: "team-a", onWarning });
export default createPersist;
