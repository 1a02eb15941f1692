import { isNonTransactional } from './non-transactional.js';

describe('isNonTransactional', () => {
  it.each([
    'CREATE INDEX CONCURRENTLY i ON t (a)',
    'create unique index concurrently i on t (a)',
    'DROP INDEX CONCURRENTLY i',
    'VACUUM ANALYZE t',
    'ALTER SYSTEM SET work_mem = 1',
    'CREATE DATABASE x',
    'DROP TABLESPACE x',
    "CREATE SUBSCRIPTION s CONNECTION '' PUBLICATION p",
    'REINDEX SCHEMA crm',
    'REINDEX (VERBOSE) DATABASE x',
    'DISCARD ALL',
    '/* leading */ CREATE   INDEX\n  CONCURRENTLY i ON t (a)',
  ])('detects %s', (sql) => {
    expect(isNonTransactional(sql)).toBe(true);
  });

  it.each([
    'CREATE INDEX i ON t (a)',
    'CREATE TABLE concurrently (id int)',
    'REINDEX TABLE t',
    'SELECT 1',
    "COMMENT ON TABLE t IS 'VACUUM'",
    'CREATE SCHEMA databases',
  ])('lets %s run in a transaction', (sql) => {
    expect(isNonTransactional(sql)).toBe(false);
  });
});
