import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';

interface Company {
  id: string;
  name: string;
  siren: string | null;
}
interface Page {
  items: Company[];
  nextCursor: string | null;
}

describe('cursor pagination, filters and sort (e2e)', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let other: OrgFixture;
  let base: string;
  const names: string[] = [];

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@pages.example.fr', 'Pages');
    other = await organisationWithData(api, 'owner@other-pages.example.fr', 'OtherPages');
    base = `/organisations/${org.organisationId}/companies`;
    names.push('Pages company');
    for (let i = 0; i < 24; i += 1) {
      const name = `Company ${String.fromCharCode(90 - i)}${i}`;
      names.push(name);
      const response = await api.request('POST', base, {
        token: org.owner.token,
        body: { name, domain: i % 2 ? 'odd.example.fr' : 'even.example.fr' },
      });
      expect(response.status).toBe(201);
    }
  });

  afterAll(async () => {
    await api.stop();
  });

  async function walk(query: string): Promise<Company[]> {
    const seen: Company[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await api.request<Page>('GET', `${base}?${query}${suffix}`, {
        token: org.owner.token,
      });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...response.body.items);
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    return seen;
  }

  it('walks every page with no duplicate and no gap', async () => {
    const seen = await walk('limit=7');
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((c) => c.id)).size).toBe(25);
    expect(seen.map((c) => c.name).sort()).toEqual([...names].sort());
  });

  it('sorts by name in both directions', async () => {
    const ascending = (await walk('limit=7&sort=name')).map((c) => c.name);
    expect(ascending).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const descending = (await walk('limit=7&sort=name&direction=desc')).map((c) => c.name);
    expect(descending).toEqual([...ascending].reverse());
  });

  it('filters', async () => {
    const odd = await walk('limit=7&domain=odd.example.fr');
    expect(odd).toHaveLength(12);
    const bySiren = await walk('limit=7&siren=552100554');
    expect(bySiren.map((c) => c.name)).toEqual(['Pages company']);
  });

  it('answers 400 to a tampered cursor, a cursor of another sort, and a cursor of another organisation', async () => {
    const first = await api.request<Page>('GET', `${base}?limit=5`, { token: org.owner.token });
    const cursor = first.body.nextCursor ?? '';
    const [body, mac] = cursor.split('.');
    const forgedBody = Buffer.from(
      JSON.stringify({
        s: 'createdAt',
        d: 'asc',
        v: ['1970-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'],
      }),
    ).toString('base64url');
    for (const bad of [
      `${forgedBody}.${mac ?? ''}`,
      `${body ?? ''}x.${mac ?? ''}`,
      'garbage',
      `${cursor}.extra`,
    ]) {
      const response = await api.request<{ message: string }>(
        'GET',
        `${base}?cursor=${encodeURIComponent(bad)}`,
        { token: org.owner.token },
      );
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/^Invalid cursor/);
    }
    const otherSort = await api.request(
      'GET',
      `${base}?sort=name&cursor=${encodeURIComponent(cursor)}`,
      { token: org.owner.token },
    );
    expect(otherSort.status).toBe(400);
    const otherOrg = await api.request(
      'GET',
      `/organisations/${other.organisationId}/companies?cursor=${encodeURIComponent(cursor)}`,
      { token: other.owner.token },
    );
    expect(otherOrg.status).toBe(400);
  });
});
