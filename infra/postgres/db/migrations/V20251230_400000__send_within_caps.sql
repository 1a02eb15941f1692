-- delivery.write_sending_within_caps: the caps check, the message (status sending) with its pixel
-- and the day's count of a send, as ONE statement.
--
-- The engine used to spend four round trips on them (write_sending, the day's counts, sometimes
-- the mailbox's lock and the counts again, the count's increment); on the send bench each round
-- trip's socket writes cost more worker CPU than rendering the mail. The rule is unchanged:
-- - the day's counts of the mailbox (every campaign) and of the campaign, and the mailbox's latest
--   send (today or yesterday), from delivery.daily_sends; committed counts suffice far from every
--   cap and without spacing (sends of one mailbox commit in parallel on the counter shards),
--   otherwise the mailbox's transaction-scoped advisory lock is taken (the same key the engine's
--   lockMailbox used) and the counts read again, exact;
-- - at a cap, or too soon after the mailbox's latest send: nothing is written, the counts are
--   returned (message_row_id NULL) and the engine defers the task with the reason;
-- - otherwise delivery.write_sending (the message `sending`, its pixel) and one more send counted
--   in counter row p_shard, last (its row stays locked until the commit).
-- The limits are computed by the engine (the warm-up ramp of the campaign's local day p_day, the
-- spacing with its jitter p_spacing_ms); p_now is the engine's clock, as for the spacing before.
-- SECURITY INVOKER: row-level security applies (the caller's tenant transaction).
CREATE FUNCTION delivery.write_sending_within_caps(
  p_organisation_id uuid, p_task_id uuid, p_enrollment_id uuid, p_position_id uuid,
  p_experiment_id uuid, p_variant_id uuid, p_mailbox_id uuid, p_from_email text, p_from_name text,
  p_to_email text, p_subject text, p_body_text text, p_body_html text, p_message_id text,
  p_in_reply_to text, p_token text, p_campaign_id uuid, p_day date, p_shard smallint,
  p_mailbox_allowance integer, p_campaign_limit integer, p_spacing_ms integer,
  p_unlocked_headroom integer, p_now timestamptz)
RETURNS TABLE (message_row_id uuid, pixel_token text, mailbox_sends integer,
               campaign_sends integer, last_mailbox_send_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
#variable_conflict use_column
DECLARE
  v_mailbox integer;
  v_campaign integer;
  v_last timestamptz;
  v_id uuid;
  v_token text;
  v_locked boolean := false;
BEGIN
  LOOP
    SELECT coalesce(sum(d.sends), 0)::int INTO v_mailbox FROM delivery.daily_sends d
     WHERE d.organisation_id = p_organisation_id AND d.mailbox_id = p_mailbox_id AND d.day = p_day;
    SELECT coalesce(sum(d.sends), 0)::int INTO v_campaign FROM delivery.daily_sends d
     WHERE d.organisation_id = p_organisation_id AND d.campaign_id = p_campaign_id
       AND d.day = p_day;
    SELECT max(d.last_send_at) INTO v_last FROM delivery.daily_sends d
     WHERE d.organisation_id = p_organisation_id AND d.mailbox_id = p_mailbox_id
       AND d.day BETWEEN p_day - 1 AND p_day;
    EXIT WHEN v_locked
      OR (p_spacing_ms <= 0
          AND least(p_mailbox_allowance - v_mailbox, p_campaign_limit - v_campaign)
              > p_unlocked_headroom);
    PERFORM pg_advisory_xact_lock(
      hashtextextended(p_organisation_id::text || ':' || p_mailbox_id::text, 0));
    v_locked := true;
  END LOOP;
  IF v_mailbox >= p_mailbox_allowance OR v_campaign >= p_campaign_limit
     OR (p_spacing_ms > 0 AND v_last IS NOT NULL
         AND v_last + make_interval(secs => p_spacing_ms / 1000.0) > p_now) THEN
    RETURN QUERY SELECT NULL::uuid, NULL::text, v_mailbox, v_campaign, v_last;
    RETURN;
  END IF;
  SELECT w.message_row_id, w.pixel_token INTO v_id, v_token
    FROM delivery.write_sending(p_organisation_id, p_task_id, p_enrollment_id, p_position_id,
           p_experiment_id, p_variant_id, p_mailbox_id, p_from_email, p_from_name, p_to_email,
           p_subject, p_body_text, p_body_html, p_message_id, p_in_reply_to, p_token) w;
  INSERT INTO delivery.daily_sends AS d
         (organisation_id, mailbox_id, campaign_id, day, shard, sends, last_send_at)
  VALUES (p_organisation_id, p_mailbox_id, p_campaign_id, p_day, p_shard, 1, now())
  ON CONFLICT (organisation_id, mailbox_id, day, campaign_id, shard)
  DO UPDATE SET sends = d.sends + 1, last_send_at = now();
  RETURN QUERY SELECT v_id, v_token, v_mailbox, v_campaign, v_last;
END;
$$;
COMMENT ON FUNCTION delivery.write_sending_within_caps(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text, uuid, date, smallint, integer, integer, integer, integer, timestamptz) IS
  'The sequence engine''s caps check, message (status sending) with its pixel, and the day''s count of a send, in one statement; nothing written at a cap (message_row_id NULL, the counts returned); SECURITY INVOKER.';
REVOKE EXECUTE ON FUNCTION delivery.write_sending_within_caps(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text, uuid, date, smallint, integer, integer, integer, integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.write_sending_within_caps(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text, uuid, date, smallint, integer, integer, integer, integer, timestamptz) TO outreach_app;
