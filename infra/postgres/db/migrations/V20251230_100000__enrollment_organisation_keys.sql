-- Enrolling 100,000 positions in one call (issue 10, point 6): the organisation foreign keys of
-- outreach.campaign_enrollments and outreach.tasks become NOT ENFORCED (PostgreSQL 18), which
-- removes their triggers: one fewer foreign-key check per enrollment and per task (about 0.9 s
-- of the 7 s of server CPU that enrolling 100,000 positions took).
--
-- Why nothing is lost: each table has an enforced composite foreign key, on NOT NULL columns and
-- ON DELETE CASCADE, to a parent that cascades from the organisation, and that key implies the
-- organisation one:
-- - campaign_enrollments_campaign_fkey (organisation_id, campaign_id) → outreach.campaigns,
--   whose campaigns_organisation_id_fkey is enforced and cascades (and
--   campaign_enrollments_position_fkey → crm.positions, likewise);
-- - tasks_step_fkey (organisation_id, campaign_id, step_id) → outreach.workflow_steps (enforced
--   organisation key), and tasks_enrollment_fkey → outreach.campaign_enrollments (through its
--   campaign).
-- A row whose (organisation_id, parent id) exists in the parent has an existing organisation, and
-- deleting the organisation deletes the parent, whose cascade deletes the row. Caution: a NOT
-- ENFORCED key has no ON DELETE action either (no trigger at all): the cascade comes from the
-- chain only. packages/db/test/schema/tenancy-rules.int-spec.ts accepts a NOT ENFORCED
-- organisation key only where such a chain exists, and tenant-data.int-spec.ts deletes an
-- organisation and finds none of its rows left. The constraints stay declared (documentation,
-- and ALTER CONSTRAINT … ENFORCED restores them, checking every row).
--
-- PostgreSQL 15 to 17 have no NOT ENFORCED (SPEC.md: the migrations must apply there too): on
-- them the keys stay enforced, as before, through the version check below.
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE outreach.campaign_enrollments'
         || ' ALTER CONSTRAINT campaign_enrollments_organisation_id_fkey NOT ENFORCED';
    EXECUTE 'ALTER TABLE outreach.tasks'
         || ' ALTER CONSTRAINT tasks_organisation_id_fkey NOT ENFORCED';
  END IF;
END
$$;
