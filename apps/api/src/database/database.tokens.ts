/** Injection token of the api's initialised TypeORM DataSource. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** Injection token of the CursorCodec that signs pagination cursors. */
export const CURSOR_CODEC = Symbol('CURSOR_CODEC');
