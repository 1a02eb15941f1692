import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';
import type { CrossTenantCases } from './cross-tenant-case.js';

/** A minimal Pharow export (French headers, `;`), one prospect per call. */
export function pharowUpload(
  rows = 1,
  fileName = 'pharow.csv',
  header = 'Entreprise;SIREN;Prénom;Nom;Email;Statut email',
): FormData {
  const unique = Math.random().toString(36).slice(2);
  const lines = Array.from(
    { length: rows },
    (_, i) =>
      `Société ${unique};732829320;Hélène;Lefèvre ${i};helene.${i}.${unique}@exemple.fr;valide`,
  );
  const form = new FormData();
  form.append(
    'file',
    new Blob([`${header}\r\n${lines.join('\r\n')}\r\n`], { type: 'text/csv' }),
    fileName,
  );
  return form;
}

/** Uploads a small export as the fixture's owner; the import's id. */
export async function freshImport(api: ApiHarness, f: OrgFixture): Promise<string> {
  const response = await api.request<{ id: string }>(
    'POST',
    `/organisations/${f.organisationId}/imports`,
    { token: f.owner.token, body: pharowUpload() },
  );
  return response.body.id;
}

/** Prospect imports: upload, list, progress, error report. */
export const IMPORTS_CASES: CrossTenantCases = {
  'GET /organisations/:organisationId/imports': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/imports': () =>
    Promise.resolve({ params: {}, body: pharowUpload() }),
  'GET /organisations/:organisationId/imports/:importId': async (f, api) => ({
    params: { importId: await freshImport(api, f) },
  }),
  'GET /organisations/:organisationId/imports/:importId/errors.csv': async (f, api) => ({
    params: { importId: await freshImport(api, f) },
  }),
};
