import { abbreviateDescription, parseMigrationName } from './migration-file.js';
import { compareVersions, parseVersion } from './migration-version.js';

function parsed(fileName: string): {
  kind: string;
  version: string | undefined;
  description: string;
} {
  const result = parseMigrationName(fileName);
  if (!result.ok) throw new Error(result.reason);
  return {
    kind: result.name.kind,
    version: result.name.version?.text,
    description: result.name.description,
  };
}

function version(text: string): NonNullable<ReturnType<typeof parseVersion>> {
  const result = parseVersion(text);
  if (!result) throw new Error(`not a version: ${text}`);
  return result;
}

describe('parseMigrationName', () => {
  it('splits at the first __ so the seed triple underscore leaves a leading space', () => {
    expect(parsed('V20251223_112456___iam_init.sql')).toEqual({
      kind: 'versioned',
      version: '20251223.112456',
      description: ' iam init',
    });
  });

  it('turns every _ of the description into a space and trims nothing', () => {
    expect(parsed('V2__add_users_table_.sql').description).toBe('add users table ');
    expect(parsed('V3__a__b.sql').description).toBe('a  b');
  });

  it('keeps the version as written (leading zeros, dots)', () => {
    expect(parsed('V001__x.sql').version).toBe('001');
    expect(parsed('V1.2_3__x.sql').version).toBe('1.2.3');
  });

  it('reads undo and repeatable names', () => {
    expect(parsed('U20251223_112456___iam_init.sql')).toEqual({
      kind: 'undo',
      version: '20251223.112456',
      description: ' iam init',
    });
    expect(parsed('R__refresh_views.sql')).toEqual({
      kind: 'repeatable',
      version: undefined,
      description: 'refresh views',
    });
  });

  it('rejects malformed names with a reason that says what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['V1_foo.sql', /no "__" between version and description/],
      ['Vabc__x.sql', /could not recognise version number "abc"/],
      ['V__x.sql', /could not recognise version number ""/],
      ['V1..2__x.sql', /could not recognise version number/],
      ['R1__x.sql', /a repeatable has no version/],
      ['init.sql', /unrecognised migration name/],
      ['V1__x.txt', /not a \.sql file/],
    ];
    for (const [name, reason] of cases) {
      const result = parseMigrationName(name);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});

describe('versions', () => {
  it('compares numerically part by part, ignoring trailing zeros', () => {
    expect(compareVersions(version('1.0'), version('1'))).toBe(0);
    expect(compareVersions(version('1.0.0'), version('1'))).toBe(0);
    expect(compareVersions(version('1.10'), version('1.9'))).toBeGreaterThan(0);
    expect(compareVersions(version('001'), version('1'))).toBe(0);
    expect(compareVersions(version('2'), version('10'))).toBeLessThan(0);
    expect(compareVersions(version('20251223.112356'), version('20251223.112456'))).toBeLessThan(0);
    expect(compareVersions(version('1.0.1'), version('1'))).toBeGreaterThan(0);
  });

  it('stores 001 as written', () => {
    expect(version('001').text).toBe('001');
    expect(version('1_0').text).toBe('1.0');
  });

  it('handles versions beyond 2^53', () => {
    expect(
      compareVersions(version('9007199254740993'), version('9007199254740992')),
    ).toBeGreaterThan(0);
  });
});

describe('abbreviateDescription', () => {
  it('cuts descriptions over 200 characters to 197 + ...', () => {
    expect(abbreviateDescription('a'.repeat(200))).toBe('a'.repeat(200));
    const cut = abbreviateDescription('b'.repeat(201));
    expect(cut).toBe(`${'b'.repeat(197)}...`);
    expect(cut).toHaveLength(200);
  });
});
