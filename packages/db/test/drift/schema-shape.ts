/** A table as the drift test compares it: the entity's view or the catalog's. */
export interface ColumnShape {
  name: string;
  /** Normalised SQL type, e.g. `uuid`, `text`, `timestamp with time zone`, `numeric(5,2)`. */
  type: string;
  nullable: boolean;
  /** From `char_length(col) <= N` checks (catalog) or TextColumn maxLength (entity). */
  maxLength?: number | undefined;
  /** From `col IN (...)` checks (catalog) or EnumColumn values (entity); sorted. */
  enumValues?: string[] | undefined;
}

export interface ForeignKeyShape {
  columns: string[];
  /** `schema.table` */
  referencedTable: string;
  referencedColumns: string[];
}

export interface TableShape {
  /** `schema.table` */
  table: string;
  columns: ColumnShape[];
  primaryKey: string[];
  foreignKeys: ForeignKeyShape[];
}

/** `(a, b) -> schema.table (x, y)`, pairs sorted by column: TypeORM orders join columns its own way. */
function fkText(fk: ForeignKeyShape): string {
  const pairs = fk.columns
    .map((column, i) => [column, fk.referencedColumns[i] ?? '?'] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return `(${pairs.map(([c]) => c).join(', ')}) -> ${fk.referencedTable} (${pairs.map(([, r]) => r).join(', ')})`;
}

/**
 * Every difference between the entities and the migrated database, one message per
 * difference, each naming the table (and column). Empty means no drift.
 */
export function compareShapes(entities: TableShape[], database: TableShape[]): string[] {
  const problems: string[] = [];
  const byName = new Map(database.map((table) => [table.table, table]));
  const entityNames = new Set(entities.map((table) => table.table));
  for (const table of database) {
    if (!entityNames.has(table.table)) problems.push(`${table.table}: table has no entity`);
  }
  for (const entity of entities) {
    const actual = byName.get(entity.table);
    if (!actual) {
      problems.push(`${entity.table}: entity has no table in the database`);
      continue;
    }
    const actualColumns = new Map(actual.columns.map((column) => [column.name, column]));
    const entityColumns = new Set(entity.columns.map((column) => column.name));
    for (const column of actual.columns) {
      if (!entityColumns.has(column.name)) {
        problems.push(`${entity.table}.${column.name}: column has no entity field`);
      }
    }
    for (const column of entity.columns) {
      const where = `${entity.table}.${column.name}`;
      const db = actualColumns.get(column.name);
      if (!db) {
        problems.push(`${where}: entity field has no column in the database`);
        continue;
      }
      if (db.type !== column.type) {
        problems.push(`${where}: type is ${column.type} in the entity, ${db.type} in the database`);
      }
      if (db.nullable !== column.nullable) {
        problems.push(
          `${where}: ${column.nullable ? 'nullable' : 'NOT NULL'} in the entity, ${db.nullable ? 'nullable' : 'NOT NULL'} in the database`,
        );
      }
      if (db.maxLength !== column.maxLength) {
        problems.push(
          `${where}: maximum length is ${String(column.maxLength ?? 'none')} in the entity, ${String(db.maxLength ?? 'none')} in the database`,
        );
      }
      const entityValues = column.enumValues?.join(', ');
      const dbValues = db.enumValues?.join(', ');
      if (entityValues !== dbValues) {
        problems.push(
          `${where}: allowed values are [${entityValues ?? 'any'}] in the entity, [${dbValues ?? 'any'}] in the database`,
        );
      }
    }
    if (entity.primaryKey.join(', ') !== actual.primaryKey.join(', ')) {
      problems.push(
        `${entity.table}: primary key is (${entity.primaryKey.join(', ')}) in the entity, (${actual.primaryKey.join(', ')}) in the database`,
      );
    }
    const entityFks = new Set(entity.foreignKeys.map(fkText));
    const dbFks = new Set(actual.foreignKeys.map(fkText));
    for (const fk of dbFks) {
      if (!entityFks.has(fk))
        problems.push(`${entity.table}: foreign key ${fk} has no entity relation`);
    }
    for (const fk of entityFks) {
      if (!dbFks.has(fk))
        problems.push(`${entity.table}: entity relation ${fk} has no foreign key in the database`);
    }
  }
  return problems;
}
