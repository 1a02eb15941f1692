/** Every entity of the four schemas, in dependency order (the DataSource loads this list). */
export const ENTITIES = [] as const;
