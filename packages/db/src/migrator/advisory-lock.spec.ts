import { advisoryLockKey } from './advisory-lock.js';

describe('advisoryLockKey', () => {
  it("is Flyway's key for the default history table", () => {
    expect(advisoryLockKey('"public"."flyway_schema_history"')).toBe(77433833903597n);
  });

  it('depends on the table name (Java String.hashCode)', () => {
    // "a".hashCode() = 97
    expect(advisoryLockKey('a')).toBe(0x466c79776179n + 97n);
  });
});
