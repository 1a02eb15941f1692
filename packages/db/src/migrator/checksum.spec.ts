import { flywayChecksum } from './checksum.js';

describe('flywayChecksum', () => {
  it('matches the value Flyway computes for a known statement', () => {
    expect(
      flywayChecksum(
        'alter table location_history add column valid_until timestamp with time zone;',
      ),
    ).toBe(-1039259818);
  });

  it('gives 0 for an empty file', () => {
    expect(flywayChecksum('')).toBe(0);
  });

  it('ignores line terminators: LF, CRLF and lone CR give the same checksum', () => {
    const lf = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n';
    expect(flywayChecksum(lf.replace(/\n/g, '\r\n'))).toBe(flywayChecksum(lf));
    expect(flywayChecksum(lf.replace(/\n/g, '\r'))).toBe(flywayChecksum(lf));
    // Lines are concatenated with nothing between them.
    expect(flywayChecksum(lf)).toBe(
      flywayChecksum('CREATE TABLE a (id int);CREATE TABLE b (id int);'),
    );
  });

  it('drops a leading BOM', () => {
    const text = 'select 1;\n';
    expect(flywayChecksum(`\uFEFF${text}`)).toBe(flywayChecksum(text));
  });

  it('hashes UTF-8 bytes', () => {
    expect(flywayChecksum('é')).not.toBe(flywayChecksum('e'));
    // The standard CRC-32 check value.
    expect(flywayChecksum('123456789')).toBe(0xcbf43926 | 0);
  });

  it('is a signed 32-bit integer', () => {
    const value = flywayChecksum(
      'alter table location_history add column valid_until timestamp with time zone;',
    );
    expect(value).toBe(value | 0);
  });
});
