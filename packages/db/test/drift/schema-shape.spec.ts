import { compareShapes, type TableShape } from './schema-shape.js';

function positions(): TableShape {
  return {
    table: 'crm.positions',
    columns: [
      { name: 'organisation_id', type: 'uuid', nullable: false },
      { name: 'id', type: 'uuid', nullable: false },
      { name: 'person_id', type: 'uuid', nullable: false },
      { name: 'title', type: 'text', nullable: true, maxLength: 300 },
      {
        name: 'status',
        type: 'text',
        nullable: false,
        enumValues: ['active', 'former'],
      },
    ],
    primaryKey: ['organisation_id', 'id'],
    foreignKeys: [
      {
        columns: ['organisation_id', 'person_id'],
        referencedTable: 'crm.people',
        referencedColumns: ['organisation_id', 'id'],
      },
    ],
  };
}

describe('compareShapes', () => {
  it('finds nothing when entity and catalog agree', () => {
    expect(compareShapes([positions()], [positions()])).toEqual([]);
  });

  it('names the table and column of a column the entity lacks, and of one the SQL lacks', () => {
    const db = positions();
    db.columns.push({ name: 'pharow_list_name', type: 'text', nullable: true });
    const entity = positions();
    entity.columns.push({ name: 'nickname', type: 'text', nullable: true });
    expect(compareShapes([entity], [db])).toEqual([
      'crm.positions.pharow_list_name: column has no entity field',
      'crm.positions.nickname: entity field has no column in the database',
    ]);
  });

  it('reports type, nullability, length and allowed-value differences by column', () => {
    const entity = positions();
    const [, , personId, title, status] = entity.columns;
    if (!personId || !title || !status) throw new Error('fixture');
    personId.type = 'text';
    title.nullable = false;
    title.maxLength = 200;
    status.enumValues = ['active'];
    expect(compareShapes([entity], [positions()])).toEqual([
      'crm.positions.person_id: type is text in the entity, uuid in the database',
      'crm.positions.title: NOT NULL in the entity, nullable in the database',
      'crm.positions.title: maximum length is 200 in the entity, 300 in the database',
      'crm.positions.status: allowed values are [active] in the entity, [active, former] in the database',
    ]);
  });

  it('reports primary key and foreign key differences', () => {
    const entity = positions();
    entity.primaryKey = ['id'];
    entity.foreignKeys = [
      { columns: ['person_id'], referencedTable: 'crm.people', referencedColumns: ['id'] },
    ];
    expect(compareShapes([entity], [positions()])).toEqual([
      'crm.positions: primary key is (id) in the entity, (organisation_id, id) in the database',
      'crm.positions: foreign key (organisation_id, person_id) -> crm.people (organisation_id, id) has no entity relation',
      'crm.positions: entity relation (person_id) -> crm.people (id) has no foreign key in the database',
    ]);
  });

  it('reports tables missing on either side', () => {
    const orphan: TableShape = { ...positions(), table: 'crm.notes' };
    expect(compareShapes([orphan], [positions()])).toEqual([
      'crm.positions: table has no entity',
      'crm.notes: entity has no table in the database',
    ]);
  });
});
