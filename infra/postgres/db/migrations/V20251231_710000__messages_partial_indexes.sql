-- Three indexes of outreach.messages become partial (WHERE … IS NOT NULL), as the enrollments'
-- message keys did in V20251230_500000. Their column is NULL on most messages, so the full
-- indexes held an entry per message for nothing — three of the eleven index insertions of every
-- first-step outbound message without an A/B test:
-- - in_reply_to: set on steps sent as replies and on inbound mail; looked up by value.
-- - replied_to_message_id: set on inbound mail only; looked up by value (the replies to a
--   message, ON DELETE SET NULL of the message).
-- - step_experiment_id (with variant_id): set on messages of a step with an A/B test; looked up
--   by experiment (its figures, ON DELETE SET NULL of a variant).
-- Every look-up compares the column with `=`, which implies IS NOT NULL, so each index still
-- serves it (test/schema/query-indexes.int-spec.ts, and the foreign-key index check).
DROP INDEX outreach.messages_in_reply_to_idx;
CREATE INDEX messages_in_reply_to_idx ON outreach.messages (organisation_id, in_reply_to)
  WHERE in_reply_to IS NOT NULL;

DROP INDEX outreach.messages_replied_to_message_idx;
CREATE INDEX messages_replied_to_message_idx
  ON outreach.messages (organisation_id, replied_to_message_id)
  WHERE replied_to_message_id IS NOT NULL;

DROP INDEX outreach.messages_variant_idx;
CREATE INDEX messages_variant_idx
  ON outreach.messages (organisation_id, step_experiment_id, variant_id)
  WHERE step_experiment_id IS NOT NULL;
