/** The device's data layer: schema, tables and row types. Screens import from here. */
export { KeukentafelDb, DB_NAME, wipeLocalData, requestPersistentStorage } from './database';
export type { OpenOptions } from './database';
export { SCHEMA_VERSION, VERSIONS, declareSchema } from './schema';
export { getMeta, setMeta } from './meta';
export type { MetaKey, MetaValues } from './meta';
export type * from './types';
