-- delivery.daily_sends: how many e-mails a mailbox sent for a campaign on a day.
--
-- The engine enforces the mailbox's daily cap and warm-up ramp, the campaign's daily limit and the
-- mailbox's minimum spacing under a per-mailbox lock. Counting the day's messages inside that lock
-- made every send of a mailbox slower than the one before (a scan of the day's messages) while the
-- others waited; one row per (mailbox, day, campaign), read and incremented as the last statements
-- of the send's transaction, keeps the lock to a few index lookups and one update.
-- `day` is the campaign's local day (its timezone). A mailbox's sends of a day are the sum over
-- its campaigns and shards; a campaign's, the sum over its mailboxes (normally one) and shards.
-- `shard` (0-15, from the task id) spreads the increments of a busy mailbox over 16 rows, so that
-- sends far from every cap (and without spacing) commit in parallel instead of queueing on one
-- row; near a cap, or with spacing, the engine takes the mailbox's lock and counts exactly.
CREATE TABLE delivery.daily_sends (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  mailbox_id uuid NOT NULL,
  campaign_id uuid NOT NULL,
  day date NOT NULL,
  shard smallint NOT NULL DEFAULT 0,
  sends integer NOT NULL DEFAULT 0,
  last_send_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT daily_sends_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT daily_sends_mailbox_day_campaign_shard_key
    UNIQUE (organisation_id, mailbox_id, day, campaign_id, shard),
  CONSTRAINT daily_sends_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_mailbox_fkey FOREIGN KEY (organisation_id, mailbox_id)
    REFERENCES delivery.mailboxes (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT daily_sends_shard_check CHECK (shard BETWEEN 0 AND 15),
  CONSTRAINT daily_sends_sends_check CHECK (sends >= 0),
  CONSTRAINT daily_sends_last_send_at_check CHECK ((sends = 0) = (last_send_at IS NULL))
);
CREATE INDEX daily_sends_campaign_day_idx ON delivery.daily_sends (organisation_id, campaign_id, day);
COMMENT ON TABLE delivery.daily_sends IS
  'E-mails a mailbox sent for a campaign on the campaign''s local day: the counters of the daily cap, warm-up ramp, daily limit and spacing.';
COMMENT ON COLUMN delivery.daily_sends.sends IS
  'Messages written for sending that day (a send that then fails still counts: caps are never exceeded).';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON delivery.daily_sends
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

GRANT SELECT, INSERT, UPDATE, DELETE ON delivery.daily_sends TO outreach_app;
ALTER TABLE delivery.daily_sends ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.daily_sends FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.daily_sends
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

-- The sequence engine's read of one claimed task and everything its send depends on (campaign,
-- step and the next one, mailbox, prospect, the task's message, the thread, reply, suppression,
-- A/B experiment), as one JSON document, the task row locked (FOR UPDATE OF t).
--
-- A function, not a statement sent by the worker: behind pgBouncer in transaction mode the worker
-- cannot keep prepared statements, and planning this query took some 50 ms of CPU on every send
-- (its execution about 1 ms). PL/pgSQL caches the plan in each server connection, which pgBouncer
-- reuses across transactions: no session state the client relies on. SECURITY INVOKER: row-level
-- security applies as to any query of outreach_app (the tenant transaction's organisation).
CREATE FUNCTION delivery.send_task_context(p_organisation_id uuid, p_task_id uuid)
RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
  context json;
BEGIN
  SELECT json_build_object(
        'task', json_build_object('id', t.id, 'status', t.status, 'attempts', t.attempts,
          'maxAttempts', t.max_attempts, 'lockedUntil', t.locked_until, 'campaignId', t.campaign_id,
          'enrollmentId', t.enrollment_id, 'stepId', t.step_id),
        'enrollment', json_build_object('id', e.id, 'status', e.status, 'positionId', e.position_id,
          'currentStepId', e.current_step_id),
        'campaign', json_build_object('id', c.id, 'status', c.status, 'mailboxId', c.mailbox_id,
          'timezone', c.timezone, 'sendingWindowStart', c.sending_window_start,
          'sendingWindowEnd', c.sending_window_end, 'sendingDays', c.sending_days,
          'dailyLimit', c.daily_limit, 'trackOpens', c.track_opens,
          'publicHolidays', c.public_holidays),
        'organisationTrackOpens', o.track_opens,
        'step', json_build_object('id', s.id, 'stepOrder', s.step_order, 'delayDays', s.delay_days,
          'exitOnReply', s.exit_on_reply, 'sendAsReply', s.send_as_reply,
          'subjectTemplate', s.subject_template, 'bodyTemplate', s.body_template, 'promptId', s.prompt_id),
        'nextStep', (SELECT json_build_object('id', n.id, 'delayDays', n.delay_days)
                       FROM outreach.workflow_steps n
                      WHERE n.organisation_id = t.organisation_id AND n.campaign_id = t.campaign_id
                        AND n.step_order > s.step_order
                      ORDER BY n.step_order LIMIT 1),
        'mailbox', (SELECT json_build_object('id', m.id, 'emailAddress', m.email_address,
                      'displayName', m.display_name, 'smtpHost', m.smtp_host, 'smtpPort', m.smtp_port,
                      'smtpSecurity', m.smtp_security, 'smtpUsername', m.smtp_username,
                      'smtpPasswordEncrypted', encode(m.smtp_password_encrypted, 'base64'),
                      'imapHost', m.imap_host, 'imapPort', m.imap_port, 'imapSecurity', m.imap_security,
                      'imapUsername', m.imap_username,
                      'imapPasswordEncrypted', encode(m.imap_password_encrypted, 'base64'),
                      'secretKeyId', m.secret_key_id, 'dailyCap', m.daily_cap,
                      'warmupStartPerDay', m.warmup_start_per_day,
                      'warmupIncrementPerDay', m.warmup_increment_per_day,
                      'warmupTargetPerDay', m.warmup_target_per_day,
                      'warmupStartedOn', m.warmup_started_on, 'minSpacingSeconds', m.min_spacing_seconds,
                      'status', m.status, 'lastError', m.last_error, 'version', m.updated_at)
                      FROM delivery.mailboxes m
                     WHERE m.organisation_id = c.organisation_id AND m.id = c.mailbox_id),
        'position', json_build_object('id', p.id, 'email', p.email, 'title', p.title, 'status', p.status),
        'person', json_build_object('firstName', pe.first_name, 'lastName', pe.last_name,
          'timezone', pe.timezone),
        'company', json_build_object('name', co.name, 'city', co.city, 'domain', co.domain,
          'websiteUrl', co.website_url, 'nafCode', co.naf_code),
        'message', (SELECT json_build_object('id', msg.id, 'status', msg.status,
                      'messageId', msg.message_id, 'subject', msg.subject, 'bodyText', msg.body_text,
                      'bodyHtml', msg.body_html, 'inReplyTo', msg.in_reply_to,
                      'stepExperimentId', msg.step_experiment_id, 'variantId', msg.variant_id,
                      'pixelToken', px.token, 'error', msg.error)
                      FROM outreach.messages msg
                      LEFT JOIN tracking.pixels px
                        ON px.organisation_id = msg.organisation_id AND px.message_id = msg.id
                     WHERE msg.organisation_id = t.organisation_id AND msg.task_id = t.id),
        'thread', coalesce((SELECT json_agg(json_build_object('messageId', th.message_id,
                               'subject', th.subject) ORDER BY th.created_at)
                              FROM outreach.messages th
                             WHERE th.organisation_id = t.organisation_id
                               AND th.enrollment_id = t.enrollment_id
                               AND th.direction = 'outbound' AND th.status IN ('sent', 'bounced')
                               AND th.task_id IS DISTINCT FROM t.id), '[]'::json),
        'replied', EXISTS (SELECT FROM outreach.messages r
                            WHERE r.organisation_id = t.organisation_id
                              AND r.enrollment_id = t.enrollment_id AND r.direction = 'inbound'),
        'suppression', (SELECT json_build_object('kind', su.kind, 'value', su.value, 'reason', su.reason)
                          FROM delivery.suppressions su
                         WHERE su.organisation_id = t.organisation_id AND p.email IS NOT NULL
                           AND ((su.kind = 'email' AND su.value = p.email)
                             OR (su.kind = 'domain' AND su.value = ANY (
                                   SELECT array_to_string((string_to_array(
                                            lower(split_part(p.email::text, '@', 2)), '.'))[i:], '.')
                                     FROM generate_series(1, cardinality(string_to_array(
                                            split_part(p.email::text, '@', 2), '.')) - 1) AS i)))
                         ORDER BY su.kind = 'email' DESC LIMIT 1),
        'experiment', (SELECT json_build_object('id', x.id, 'status', x.status,
                         'winnerVariantId', x.winner_variant_id,
                         'variants', (SELECT json_agg(json_build_object('id', v.id, 'key', v.key,
                                        'weight', v.weight, 'subjectTemplate', v.subject_template,
                                        'bodyTemplate', v.body_template, 'promptId', v.prompt_id)
                                        ORDER BY v.key)
                                        FROM outreach.step_experiment_variants v
                                       WHERE v.organisation_id = x.organisation_id
                                         AND v.experiment_id = x.id))
                         FROM outreach.step_experiments x
                        WHERE x.organisation_id = t.organisation_id AND x.step_id = t.step_id
                          AND (x.status = 'running'
                            OR (x.status = 'completed' AND x.winner_variant_id IS NOT NULL))
                        ORDER BY x.status = 'running' DESC, x.ended_at DESC NULLS LAST LIMIT 1)
      )
      INTO context
        FROM outreach.tasks t
        JOIN iam.organisations o ON o.id = t.organisation_id
        JOIN outreach.campaign_enrollments e
          ON e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
        JOIN outreach.campaigns c ON c.organisation_id = t.organisation_id AND c.id = t.campaign_id
        JOIN outreach.workflow_steps s ON s.organisation_id = t.organisation_id AND s.id = t.step_id
        JOIN crm.positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
        JOIN crm.people pe ON pe.organisation_id = p.organisation_id AND pe.id = p.person_id
        JOIN crm.companies co ON co.organisation_id = p.organisation_id AND co.id = p.company_id
       WHERE t.organisation_id = p_organisation_id AND t.id = p_task_id
         FOR UPDATE OF t;
  RETURN context;
END;
$$;
COMMENT ON FUNCTION delivery.send_task_context(uuid, uuid) IS
  'The sequence engine''s context of one task as JSON (NULL when not found in this organisation), the task row locked FOR UPDATE; SECURITY INVOKER, plan cached per server connection.';
REVOKE EXECUTE ON FUNCTION delivery.send_task_context(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.send_task_context(uuid, uuid) TO outreach_app;

-- The two writes of every send, as functions for the same reason (plans cached per server
-- connection). write_sending: the task's message with status `sending` (a new row, or the task's
-- `queued` one from an attempt that did not go out) and its pixel, committed before SMTP; returns
-- the message row and its pixel / unsubscribe token (p_token, or the one an earlier attempt stored).
CREATE FUNCTION delivery.write_sending(
  p_organisation_id uuid, p_task_id uuid, p_enrollment_id uuid, p_position_id uuid,
  p_experiment_id uuid, p_variant_id uuid, p_mailbox_id uuid, p_from_email text, p_from_name text,
  p_to_email text, p_subject text, p_body_text text, p_body_html text, p_message_id text,
  p_in_reply_to text, p_token text)
RETURNS TABLE (message_row_id uuid, pixel_token text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
#variable_conflict use_column
DECLARE
  v_id uuid;
  v_token text;
BEGIN
  INSERT INTO outreach.messages AS m
         (organisation_id, direction, status, enrollment_id, task_id, position_id,
          step_experiment_id, variant_id, mailbox_id, from_email, from_name, to_email,
          subject, body_text, body_html, message_id, in_reply_to, error)
  VALUES (p_organisation_id, 'outbound', 'sending', p_enrollment_id, p_task_id, p_position_id,
          p_experiment_id, p_variant_id, p_mailbox_id, p_from_email, p_from_name, p_to_email,
          p_subject, p_body_text, p_body_html, p_message_id, p_in_reply_to, NULL)
  ON CONFLICT (organisation_id, task_id) DO UPDATE
     SET status = 'sending', step_experiment_id = EXCLUDED.step_experiment_id,
         variant_id = EXCLUDED.variant_id, mailbox_id = EXCLUDED.mailbox_id,
         from_email = EXCLUDED.from_email, from_name = EXCLUDED.from_name,
         to_email = EXCLUDED.to_email, subject = EXCLUDED.subject,
         body_text = EXCLUDED.body_text, body_html = EXCLUDED.body_html,
         message_id = EXCLUDED.message_id, in_reply_to = EXCLUDED.in_reply_to, error = NULL,
         created_at = now()
   WHERE m.status = 'queued'
  RETURNING m.id INTO v_id;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'task % already has a message that is not queued', p_task_id;
  END IF;
  INSERT INTO tracking.pixels (organisation_id, message_id, token)
  VALUES (p_organisation_id, v_id, p_token)
  ON CONFLICT (organisation_id, message_id) DO NOTHING
  RETURNING token INTO v_token;
  IF v_token IS NULL THEN
    SELECT p.token INTO v_token FROM tracking.pixels p
     WHERE p.organisation_id = p_organisation_id AND p.message_id = v_id;
  END IF;
  RETURN QUERY SELECT v_id, v_token;
END;
$$;
COMMENT ON FUNCTION delivery.write_sending(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text) IS
  'The sequence engine''s message (status sending) and pixel of a task, before SMTP; SECURITY INVOKER, plan cached per server connection.';

-- record_sent: the message went out: `sent`, the task completed, the enrollment moved to the next
-- step with its task due at p_next_due_at, or completed after the last step.
CREATE FUNCTION delivery.record_sent(
  p_organisation_id uuid, p_task_id uuid, p_message_row_id uuid, p_enrollment_id uuid,
  p_campaign_id uuid, p_sent_at timestamptz, p_next_step_id uuid, p_next_due_at timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
BEGIN
  UPDATE outreach.messages SET status = 'sent', sent_at = p_sent_at, error = NULL
   WHERE organisation_id = p_organisation_id AND id = p_message_row_id;
  UPDATE outreach.tasks
     SET status = 'completed', locked_by = NULL, locked_until = NULL, completed_at = now()
   WHERE organisation_id = p_organisation_id AND id = p_task_id;
  IF p_next_step_id IS NOT NULL THEN
    WITH moved AS (
      UPDATE outreach.campaign_enrollments SET current_step_id = p_next_step_id
       WHERE organisation_id = p_organisation_id AND id = p_enrollment_id
         AND status IN ('active', 'paused')
      RETURNING id)
    INSERT INTO outreach.tasks
           (organisation_id, campaign_id, enrollment_id, step_id, kind, status, due_at)
    SELECT p_organisation_id, p_campaign_id, moved.id, p_next_step_id, 'send_email', 'pending',
           p_next_due_at
      FROM moved
    ON CONFLICT ON CONSTRAINT tasks_enrollment_step_key DO NOTHING;
  ELSE
    UPDATE outreach.campaign_enrollments
       SET status = 'completed', completed_at = now(), current_step_id = NULL
     WHERE organisation_id = p_organisation_id AND id = p_enrollment_id
       AND status IN ('active', 'paused');
  END IF;
END;
$$;
COMMENT ON FUNCTION delivery.record_sent(uuid, uuid, uuid, uuid, uuid, timestamptz, uuid, timestamptz) IS
  'Records a sent message: message sent, task completed, next step scheduled or enrollment completed; SECURITY INVOKER, plan cached per server connection.';

REVOKE EXECUTE ON FUNCTION delivery.write_sending(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.write_sending(uuid, uuid, uuid, uuid, uuid, uuid, uuid, text, text, text, text, text, text, text, text, text) TO outreach_app;
REVOKE EXECUTE ON FUNCTION delivery.record_sent(uuid, uuid, uuid, uuid, uuid, timestamptz, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.record_sent(uuid, uuid, uuid, uuid, uuid, timestamptz, uuid, timestamptz) TO outreach_app;
