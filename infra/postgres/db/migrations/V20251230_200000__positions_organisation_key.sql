-- Importing 100,000 Pharow rows (issue 11, point 7): the organisation foreign key of
-- crm.positions becomes NOT ENFORCED (PostgreSQL 18), which removes its trigger: one fewer
-- foreign-key check per imported position (100,000 for a 100,000-row import; each position
-- already pays three: person, company, source import).
--
-- Why nothing is lost: positions_person_fkey (organisation_id, person_id) → crm.people is
-- enforced, on NOT NULL columns, ON DELETE CASCADE, and people_organisation_id_fkey is enforced
-- and cascades from iam.organisations (positions_company_fkey → crm.companies likewise). A
-- position whose (organisation_id, person_id) exists in crm.people has an existing organisation,
-- and deleting the organisation deletes its people, whose cascade deletes their positions.
-- packages/db/test/schema/tenancy-rules.int-spec.ts accepts a NOT ENFORCED organisation key only
-- behind such a chain; tenant-data.int-spec.ts deletes an organisation and finds none of its rows
-- left. The constraint stays declared (ALTER CONSTRAINT … ENFORCED restores it, checking every row).
--
-- PostgreSQL 15 to 17 have no NOT ENFORCED (SPEC.md: the migrations must apply there too): on
-- them the key stays enforced, as before, through the version check below.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE crm.positions ALTER CONSTRAINT positions_organisation_id_fkey NOT ENFORCED';
  END IF;
END
$$;
