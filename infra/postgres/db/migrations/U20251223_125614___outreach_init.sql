-- Undo V20251223_125614: drops the outreach tables in reverse order (the winner
-- foreign key first: step_experiments and step_experiment_variants reference each other).
DROP TABLE outreach.messages;
DROP TABLE outreach.tasks;
DROP TABLE outreach.enrollment_step_variant_assignments;
DROP TABLE outreach.campaign_enrollments;
ALTER TABLE outreach.step_experiments DROP CONSTRAINT step_experiments_winner_variant_fkey;
DROP TABLE outreach.step_experiment_variants;
DROP TABLE outreach.step_experiments;
DROP TABLE outreach.workflow_steps;
DROP TABLE outreach.prompts;
DROP TABLE outreach.campaigns;
