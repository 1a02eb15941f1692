import { splitSql } from './sql-splitter.js';

describe('splitSql', () => {
  it('splits at top-level semicolons and keeps each statement start line', () => {
    const statements = splitSql(
      'CREATE TABLE a (id int);\n\n-- comment\nCREATE TABLE b (id int);\nSELECT 1',
    );
    expect(statements).toEqual([
      { sql: 'CREATE TABLE a (id int)', line: 1 },
      { sql: 'CREATE TABLE b (id int)', line: 4 },
      { sql: 'SELECT 1', line: 5 },
    ]);
  });

  it('ignores semicolons inside strings, E-strings, identifiers and comments', () => {
    const text = [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine');",
      "SELECT E'back\\'slash; quote';",
      'SELECT 1 AS "weird;name""x";',
      '/* block; /* nested; */ still; comment */ SELECT 2;',
      'SELECT 3; -- trailing; comment',
    ].join('\n');
    expect(splitSql(text).map((s) => s.sql)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
      "SELECT E'back\\'slash; quote'",
      'SELECT 1 AS "weird;name""x"',
      'SELECT 2',
      'SELECT 3',
    ]);
  });

  it('keeps dollar-quoted bodies whole, tagged or not', () => {
    const text = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.updated_at := now(); -- ; here
  RETURN NEW;
END;
$fn$;
DO $$ BEGIN PERFORM 1; END $$;
SELECT $1;`;
    const statements = splitSql(text);
    expect(statements).toHaveLength(3);
    expect(statements[0]?.sql).toMatch(/^CREATE FUNCTION[\s\S]*\$fn\$$/);
    expect(statements[1]).toEqual({ sql: 'DO $$ BEGIN PERFORM 1; END $$', line: 7 });
    expect(statements[2]).toEqual({ sql: 'SELECT $1', line: 8 });
  });

  it('does not take a $ inside an identifier for a dollar quote', () => {
    expect(splitSql('SELECT a$b$ FROM t; SELECT 2;').map((s) => s.sql)).toEqual([
      'SELECT a$b$ FROM t',
      'SELECT 2',
    ]);
  });

  it('keeps SQL-standard BEGIN ATOMIC bodies whole', () => {
    const text = `CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN a ELSE 0 END + b;
END;
SELECT 1;`;
    const statements = splitSql(text);
    expect(statements).toHaveLength(2);
    expect(statements[0]?.sql).toMatch(/END$/);
    expect(statements[1]).toEqual({ sql: 'SELECT 1', line: 5 });
  });

  it('drops empty statements and comment-only text', () => {
    expect(splitSql(';;\n-- only a comment\n/* and this */\n')).toEqual([]);
  });

  it('counts CRLF and lone CR line breaks', () => {
    expect(splitSql('SELECT 1;\r\nSELECT 2;\rSELECT 3;').map((s) => s.line)).toEqual([1, 2, 3]);
  });

  it('counts lines inside multi-line strings and comments', () => {
    const text = "SELECT 'a\nb';\n/* x\ny */\nSELECT 2;";
    expect(splitSql(text).map((s) => s.line)).toEqual([1, 5]);
  });
});
