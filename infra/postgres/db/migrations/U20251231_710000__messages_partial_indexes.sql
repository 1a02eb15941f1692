-- Undo V20251231_710000: the full indexes on in_reply_to, replied_to_message_id and the variant.
DROP INDEX outreach.messages_in_reply_to_idx;
CREATE INDEX messages_in_reply_to_idx ON outreach.messages (organisation_id, in_reply_to);

DROP INDEX outreach.messages_replied_to_message_idx;
CREATE INDEX messages_replied_to_message_idx
  ON outreach.messages (organisation_id, replied_to_message_id);

DROP INDEX outreach.messages_variant_idx;
CREATE INDEX messages_variant_idx
  ON outreach.messages (organisation_id, step_experiment_id, variant_id);
