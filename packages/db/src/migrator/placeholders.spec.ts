import { MigrationError } from './migration-error.js';
import { replacePlaceholders } from './placeholders.js';

describe('replacePlaceholders', () => {
  it('replaces placeholders everywhere, names case-insensitive', () => {
    const text =
      "-- for ${Owner}\nCREATE FUNCTION f() AS $$ SELECT '${owner}' $$; SET search_path = ${flyway:defaultSchema};";
    expect(
      replacePlaceholders(text, { owner: 'alice', 'flyway:defaultSchema': 'public' }, 'V1__x.sql'),
    ).toBe("-- for alice\nCREATE FUNCTION f() AS $$ SELECT 'alice' $$; SET search_path = public;");
  });

  it('fails on an undefined placeholder, naming the file and the placeholder', () => {
    expect(() => replacePlaceholders('SELECT ${missing};', {}, '/m/V2__x.sql')).toThrow(
      MigrationError,
    );
    expect(() => replacePlaceholders('SELECT ${missing};', {}, '/m/V2__x.sql')).toThrow(
      /\/m\/V2__x\.sql: no value provided for placeholder \$\{missing\}/,
    );
  });

  it('leaves text without placeholders alone', () => {
    const text = "SELECT '$' || '{' || $1 || '}';";
    expect(replacePlaceholders(text, {}, 'V1__x.sql')).toBe(text);
  });
});
