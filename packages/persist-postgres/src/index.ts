export { createPostgresPersist, type IPostgresPersistOptions } from "./postgresPersist";
