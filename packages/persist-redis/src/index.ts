export { createRedisPersist, type IRedisPersistOptions } from "./redisPersist";
