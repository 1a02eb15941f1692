-- Campaign analytics and A/B decisions (issue 15).
--
-- 1. outreach.step_experiments learns how to decide by itself: auto_complete (the worker's
--    evaluate-experiments job completes the experiment when a variant wins), the confidence the
--    winner needs (its posterior probability of being the best), the minimum sample of delivered
--    messages per variant, and the minimum detectable effect (an absolute difference of rates)
--    of the power calculation behind "not enough data yet". `decision` records the figures a
--    completion was decided on (probabilities, rates, samples, decided_at, by whom): NULL until
--    the experiment completes, and only on a completed experiment.
-- 2. platform.experiments_to_evaluate(): the running auto-completing experiments of every
--    organisation as (organisation_id, experiment_id) ids, for the worker's scheduled job, which
--    then evaluates each inside its organisation's tenant transaction. outreach_system may read
--    four columns of step_experiments for it, nothing more.
-- The stats queries need no new index: they read a campaign's tasks (tasks_step_idx), their
-- messages (messages_task_key), open figures (message_open_stats_message_key) and answers
-- (messages_replied_to_message_idx); covering indexes were measured (apps/api bench:stats) and
-- did not change the plan, while they would have slowed every send.

ALTER TABLE outreach.step_experiments
  ADD COLUMN auto_complete boolean NOT NULL DEFAULT false,
  ADD COLUMN confidence double precision NOT NULL DEFAULT 0.95,
  ADD COLUMN min_sample_per_variant integer NOT NULL DEFAULT 100,
  ADD COLUMN minimum_detectable_effect double precision NOT NULL DEFAULT 0.05,
  ADD COLUMN decision jsonb,
  ADD CONSTRAINT step_experiments_confidence_check CHECK (confidence >= 0.8 AND confidence <= 0.999),
  ADD CONSTRAINT step_experiments_min_sample_check
    CHECK (min_sample_per_variant >= 1 AND min_sample_per_variant <= 1000000),
  ADD CONSTRAINT step_experiments_mde_check
    CHECK (minimum_detectable_effect >= 0.001 AND minimum_detectable_effect <= 0.5),
  ADD CONSTRAINT step_experiments_decision_check
    CHECK (decision IS NULL OR (status = 'completed' AND jsonb_typeof(decision) = 'object'));
COMMENT ON COLUMN outreach.step_experiments.auto_complete IS
  'When running: the worker completes the experiment as soon as a variant is the best with probability >= confidence and every variant has min_sample_per_variant delivered messages.';
COMMENT ON COLUMN outreach.step_experiments.confidence IS
  'Probability (Bayesian Beta-Binomial posterior) a variant must have of being the best to win; also the credible level of the intervals and of the power calculation.';
COMMENT ON COLUMN outreach.step_experiments.min_sample_per_variant IS
  'Delivered messages every variant needs before a winner can be declared automatically.';
COMMENT ON COLUMN outreach.step_experiments.minimum_detectable_effect IS
  'Absolute difference of rates (0.05 = 5 points) the power calculation (80 % power) sizes the sample for.';
COMMENT ON COLUMN outreach.step_experiments.decision IS
  'Figures the completion was decided on (method, decided_at, decided_by, winner, per variant: delivered, conversions, rate, interval, probability of being best); NULL until completed.';

-- The worker's scan of auto-completing running experiments (small: partial).
CREATE INDEX step_experiments_auto_complete_idx ON outreach.step_experiments (organisation_id, id)
  WHERE status = 'running' AND auto_complete;

GRANT SELECT (organisation_id, id, status, auto_complete)
  ON outreach.step_experiments TO outreach_system;
CREATE POLICY system_experiment_read ON outreach.step_experiments FOR SELECT TO outreach_system
  USING (true);

CREATE FUNCTION platform.experiments_to_evaluate()
RETURNS TABLE (organisation_id uuid, experiment_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT e.organisation_id, e.id
    FROM outreach.step_experiments e
   WHERE e.status = 'running' AND e.auto_complete
   ORDER BY e.organisation_id, e.id
$$;
COMMENT ON FUNCTION platform.experiments_to_evaluate() IS
  'Lists the running auto-completing A/B experiments of every organisation as (organisation_id, experiment_id). Part of the only cross-organisation door (schema platform).';
ALTER FUNCTION platform.experiments_to_evaluate() OWNER TO outreach_system;
REVOKE EXECUTE ON FUNCTION platform.experiments_to_evaluate() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.experiments_to_evaluate() TO outreach_app;
