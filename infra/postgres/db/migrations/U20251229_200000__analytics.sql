-- Undo V20251229_200000: the experiments_to_evaluate system function, the auto-completion
-- columns of outreach.step_experiments.
REVOKE EXECUTE ON FUNCTION platform.experiments_to_evaluate() FROM outreach_app;
DROP FUNCTION platform.experiments_to_evaluate();
DROP POLICY system_experiment_read ON outreach.step_experiments;
REVOKE SELECT (organisation_id, id, status, auto_complete)
  ON outreach.step_experiments FROM outreach_system;

DROP INDEX outreach.step_experiments_auto_complete_idx;

ALTER TABLE outreach.step_experiments
  DROP CONSTRAINT step_experiments_decision_check,
  DROP CONSTRAINT step_experiments_mde_check,
  DROP CONSTRAINT step_experiments_min_sample_check,
  DROP CONSTRAINT step_experiments_confidence_check,
  DROP COLUMN decision,
  DROP COLUMN minimum_detectable_effect,
  DROP COLUMN min_sample_per_variant,
  DROP COLUMN confidence,
  DROP COLUMN auto_complete;
