export { createMongoPersist, type IMongoPersistOptions } from "./mongoPersist";
