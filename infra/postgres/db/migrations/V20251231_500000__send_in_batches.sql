-- The sequence engine's two writes of a send, for a batch of sends in ONE statement each.
--
-- The engine already coalesces the writes of the sends that reach the same point in the same turn
-- of its event loop into one round trip (TenantDatabase.batchedStatement), but each send was still
-- a function call of its own, and each of its statements was a single-row statement: on the send
-- bench about half of PostgreSQL's CPU went to what every statement pays once — a custom plan,
-- executor start-up, the CHECK expressions of outreach.messages compiled again, the AFTER triggers
-- (measured: one INSERT plus one UPDATE per message ~266 µs, the same for 5,000 messages as one
-- INSERT … SELECT and one UPDATE ~80 µs per message). These functions take the batch as an array
-- and write each table once:
-- - delivery.write_sending_many: the drafts of a batch. Those far from every cap and without
--   spacing (the rule of write_sending_within_caps, the batch's own sends added to the margin:
--   committed counts leave more than the headroom plus the batch) are written together — their
--   messages (status sending) in one INSERT, their pixels in one, the day's counts in one, counter
--   rows in (mailbox, campaign, day, shard) order, the order every batch takes them in. The others
--   (near a cap, with spacing) go one by one through write_sending_within_caps, in the same order,
--   exactly as before: the mailbox's lock, the exact counts, nothing written at a cap.
--   Should a draft's task already have a message that is not queued, the whole statement fails
--   (as the single function does), and the engine runs each draft alone to give each its answer.
-- - delivery.record_sent_many: messages sent, tasks completed, enrollments moved on with their
--   next task, or completed — what record_sent does, one statement per table.
-- The single-send functions stay: the engine uses them for a batch of one and when a batch fails.
-- SECURITY INVOKER: row-level security applies (the caller's tenant transaction).

CREATE TYPE delivery.sending_draft AS (
  task_id uuid, enrollment_id uuid, position_id uuid, experiment_id uuid, variant_id uuid,
  mailbox_id uuid, from_email text, from_name text, to_email text, subject text, body_text text,
  body_html text, message_id text, in_reply_to text, token text, campaign_id uuid, day date,
  shard smallint, mailbox_allowance integer, campaign_limit integer, spacing_ms integer,
  unlocked_headroom integer, now timestamptz);
COMMENT ON TYPE delivery.sending_draft IS
  'One send for delivery.write_sending_many: the arguments of delivery.write_sending_within_caps after the organisation.';
GRANT USAGE ON TYPE delivery.sending_draft TO outreach_app;

CREATE FUNCTION delivery.write_sending_many(p_organisation_id uuid,
                                            p_drafts delivery.sending_draft[])
RETURNS TABLE (item integer, message_row_id uuid, pixel_token text, mailbox_sends integer,
               campaign_sends integer, last_mailbox_send_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
  v_batch integer := coalesce(cardinality(p_drafts), 0);
  v_fast integer[];
  v_written integer;
  d record;
BEGIN
  -- The drafts whose (mailbox, campaign, day) committed counts leave more than the headroom plus
  -- the whole batch below both caps, without spacing.
  SELECT coalesce(array_agg(x.ordinality::int), '{}')
    INTO v_fast
    FROM unnest(p_drafts) WITH ORDINALITY x
   WHERE x.spacing_ms <= 0
     AND least(
           x.mailbox_allowance - (SELECT coalesce(sum(s.sends), 0)::int FROM delivery.daily_sends s
                                   WHERE s.organisation_id = p_organisation_id
                                     AND s.mailbox_id = x.mailbox_id AND s.day = x.day),
           x.campaign_limit - (SELECT coalesce(sum(s.sends), 0)::int FROM delivery.daily_sends s
                                WHERE s.organisation_id = p_organisation_id
                                  AND s.campaign_id = x.campaign_id AND s.day = x.day))
         > x.unlocked_headroom + v_batch;

  IF cardinality(v_fast) > 0 THEN
    RETURN QUERY
    WITH fast AS (
      SELECT x.*, x.ordinality::int AS ord
        FROM unnest(p_drafts) WITH ORDINALITY x
       WHERE x.ordinality = ANY (v_fast)),
    written AS (
      INSERT INTO outreach.messages AS m
             (organisation_id, direction, status, enrollment_id, task_id, position_id,
              step_experiment_id, variant_id, mailbox_id, from_email, from_name, to_email,
              subject, body_text, body_html, message_id, in_reply_to, error)
      SELECT p_organisation_id, 'outbound', 'sending', f.enrollment_id, f.task_id, f.position_id,
             f.experiment_id, f.variant_id, f.mailbox_id, f.from_email, f.from_name, f.to_email,
             f.subject, f.body_text, f.body_html, f.message_id, f.in_reply_to, NULL
        FROM fast f
       ORDER BY f.ord
      ON CONFLICT (organisation_id, task_id) DO UPDATE
         SET status = 'sending', step_experiment_id = EXCLUDED.step_experiment_id,
             variant_id = EXCLUDED.variant_id, mailbox_id = EXCLUDED.mailbox_id,
             from_email = EXCLUDED.from_email, from_name = EXCLUDED.from_name,
             to_email = EXCLUDED.to_email, subject = EXCLUDED.subject,
             body_text = EXCLUDED.body_text, body_html = EXCLUDED.body_html,
             message_id = EXCLUDED.message_id, in_reply_to = EXCLUDED.in_reply_to, error = NULL,
             created_at = now()
       WHERE m.status = 'queued'
      RETURNING m.id, m.task_id),
    pixels AS (
      INSERT INTO tracking.pixels (organisation_id, message_id, token)
      SELECT p_organisation_id, w.id, f.token
        FROM written w JOIN fast f ON f.task_id = w.task_id
      ON CONFLICT (organisation_id, message_id) DO NOTHING
      RETURNING message_id, token),
    counted AS (
      INSERT INTO delivery.daily_sends AS s
             (organisation_id, mailbox_id, campaign_id, day, shard, sends, last_send_at)
      SELECT p_organisation_id, f.mailbox_id, f.campaign_id, f.day, f.shard, count(*), now()
        FROM fast f
       WHERE f.task_id IN (SELECT w.task_id FROM written w)
       GROUP BY f.mailbox_id, f.campaign_id, f.day, f.shard
       ORDER BY f.mailbox_id, f.campaign_id, f.day, f.shard
      ON CONFLICT (organisation_id, mailbox_id, day, campaign_id, shard)
      DO UPDATE SET sends = s.sends + EXCLUDED.sends, last_send_at = now())
    SELECT f.ord, w.id,
           coalesce(p.token, (SELECT e.token FROM tracking.pixels e
                               WHERE e.organisation_id = p_organisation_id
                                 AND e.message_id = w.id)),
           NULL::int, NULL::int, NULL::timestamptz
      FROM written w
      JOIN fast f ON f.task_id = w.task_id
      LEFT JOIN pixels p ON p.message_id = w.id;
    GET DIAGNOSTICS v_written = ROW_COUNT;
    IF v_written <> cardinality(v_fast) THEN
      RAISE EXCEPTION 'a task of the batch already has a message that is not queued';
    END IF;
  END IF;

  FOR d IN
    SELECT x.*, x.ordinality::int AS ord
      FROM unnest(p_drafts) WITH ORDINALITY x
     WHERE NOT x.ordinality = ANY (v_fast)
     ORDER BY x.mailbox_id, x.campaign_id, x.day, x.shard, x.ordinality
  LOOP
    RETURN QUERY
    SELECT d.ord, w.message_row_id, w.pixel_token, w.mailbox_sends, w.campaign_sends,
           w.last_mailbox_send_at
      FROM delivery.write_sending_within_caps(p_organisation_id, d.task_id, d.enrollment_id,
             d.position_id, d.experiment_id, d.variant_id, d.mailbox_id, d.from_email,
             d.from_name, d.to_email, d.subject, d.body_text, d.body_html, d.message_id,
             d.in_reply_to, d.token, d.campaign_id, d.day, d.shard, d.mailbox_allowance,
             d.campaign_limit, d.spacing_ms, d.unlocked_headroom, d.now) w;
  END LOOP;
END;
$$;
COMMENT ON FUNCTION delivery.write_sending_many(uuid, delivery.sending_draft[]) IS
  'delivery.write_sending_within_caps for a batch of sends (item: the draft''s position, from 1): those far from every cap and without spacing written together, the others one by one; SECURITY INVOKER.';
REVOKE EXECUTE ON FUNCTION delivery.write_sending_many(uuid, delivery.sending_draft[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.write_sending_many(uuid, delivery.sending_draft[]) TO outreach_app;

CREATE TYPE delivery.sent_record AS (
  task_id uuid, message_row_id uuid, enrollment_id uuid, campaign_id uuid, sent_at timestamptz,
  next_step_id uuid, next_due_at timestamptz);
COMMENT ON TYPE delivery.sent_record IS
  'One sent message for delivery.record_sent_many: the arguments of delivery.record_sent after the organisation.';
GRANT USAGE ON TYPE delivery.sent_record TO outreach_app;

CREATE FUNCTION delivery.record_sent_many(p_organisation_id uuid,
                                          p_records delivery.sent_record[])
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  UPDATE outreach.messages m SET status = 'sent', sent_at = r.sent_at, error = NULL
    FROM unnest(p_records) r
   WHERE m.organisation_id = p_organisation_id AND m.id = r.message_row_id;
  UPDATE outreach.tasks t
     SET status = 'completed', locked_by = NULL, locked_until = NULL, completed_at = now()
    FROM unnest(p_records) r
   WHERE t.organisation_id = p_organisation_id AND t.id = r.task_id;
  WITH moved AS (
    UPDATE outreach.campaign_enrollments e SET current_step_id = r.next_step_id
      FROM unnest(p_records) r
     WHERE e.organisation_id = p_organisation_id AND e.id = r.enrollment_id
       AND r.next_step_id IS NOT NULL AND e.status IN ('active', 'paused')
    RETURNING e.id, r.campaign_id, r.next_step_id, r.next_due_at)
  INSERT INTO outreach.tasks
         (organisation_id, campaign_id, enrollment_id, step_id, kind, status, due_at)
  SELECT p_organisation_id, moved.campaign_id, moved.id, moved.next_step_id, 'send_email',
         'pending', moved.next_due_at
    FROM moved
  ON CONFLICT ON CONSTRAINT tasks_enrollment_step_key DO NOTHING;
  UPDATE outreach.campaign_enrollments e
     SET status = 'completed', completed_at = now(), current_step_id = NULL
    FROM unnest(p_records) r
   WHERE e.organisation_id = p_organisation_id AND e.id = r.enrollment_id
     AND r.next_step_id IS NULL AND e.status IN ('active', 'paused');
END;
$$;
COMMENT ON FUNCTION delivery.record_sent_many(uuid, delivery.sent_record[]) IS
  'delivery.record_sent for a batch of sent messages, one statement per table; SECURITY INVOKER.';
REVOKE EXECUTE ON FUNCTION delivery.record_sent_many(uuid, delivery.sent_record[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.record_sent_many(uuid, delivery.sent_record[]) TO outreach_app;

-- delivery.send_task_contexts: the contexts of a batch of tasks (the engine's first read of each
-- send) in one statement: the expired automatic pauses lifted, the tasks locked (in id order, the
-- order every batch takes them in), then each task's context as send_task_context built it —
-- NULL for a task not found in this organisation. One executor start-up for the batch instead of
-- one per task. send_task_context is now this function for one task (the same document).
CREATE FUNCTION delivery.send_task_contexts(p_organisation_id uuid, p_task_ids uuid[])
RETURNS TABLE (item integer, context json)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  -- The pauses first (as before: the enrollments' rows, then the tasks'), found by the tasks' keys.
  UPDATE outreach.campaign_enrollments e
     SET status = 'active', paused_until = NULL
    FROM outreach.tasks t
   WHERE t.organisation_id = p_organisation_id AND t.id = ANY (p_task_ids)
     AND e.organisation_id = p_organisation_id AND e.id = t.enrollment_id
     AND e.status = 'paused' AND e.paused_until <= now();

  PERFORM FROM outreach.tasks t
    WHERE t.organisation_id = p_organisation_id AND t.id = ANY (p_task_ids)
    ORDER BY t.id
      FOR UPDATE;

  RETURN QUERY
  SELECT wanted.ordinality::int,
      (SELECT json_build_object(
            'task', json_build_object('id', t.id, 'status', t.status, 'attempts', t.attempts,
              'maxAttempts', t.max_attempts, 'lockedUntil', t.locked_until, 'campaignId', t.campaign_id,
              'enrollmentId', t.enrollment_id, 'stepId', t.step_id),
            'enrollment', json_build_object('id', e.id, 'status', e.status, 'positionId', e.position_id,
              'currentStepId', e.current_step_id, 'pausedUntil', e.paused_until),
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
                          WHERE n.organisation_id = p_organisation_id AND n.campaign_id = t.campaign_id
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
                         WHERE m.organisation_id = p_organisation_id AND m.id = c.mailbox_id),
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
                         WHERE msg.organisation_id = p_organisation_id AND msg.task_id = t.id),
            'thread', coalesce((SELECT json_agg(json_build_object('messageId', th.message_id,
                                   'subject', th.subject) ORDER BY th.created_at)
                                  FROM outreach.messages th
                                 WHERE th.organisation_id = p_organisation_id
                                   AND th.enrollment_id = t.enrollment_id
                                   AND th.direction = 'outbound' AND th.status IN ('sent', 'bounced')
                                   AND th.task_id IS DISTINCT FROM t.id), '[]'::json),
            -- A scalar subquery, not EXISTS: never planned as a hash of the organisation's messages.
            'replied', coalesce((SELECT true FROM outreach.messages r
                                  WHERE r.organisation_id = p_organisation_id
                                    AND r.enrollment_id = t.enrollment_id AND r.direction = 'inbound'
                                    AND r.inbound_class = 'human_reply'
                                  LIMIT 1), false),
            'suppression', (SELECT json_build_object('kind', su.kind, 'value', su.value, 'reason', su.reason)
                              FROM delivery.suppressions su
                             WHERE su.organisation_id = p_organisation_id AND p.email IS NOT NULL
                               AND ((su.kind = 'email' AND su.value_key = lower(p.email::text))
                                 OR (su.kind = 'domain' AND su.value_key = ANY (ARRAY(
                                       SELECT array_to_string((string_to_array(
                                                lower(split_part(p.email::text, '@', 2)), '.'))[i:], '.')
                                         FROM generate_series(1, cardinality(string_to_array(
                                                split_part(p.email::text, '@', 2), '.')) - 1) AS i
                                     ))))
                             ORDER BY su.kind = 'email' DESC LIMIT 1),
            'experiment', (SELECT json_build_object('id', x.id, 'status', x.status,
                             'winnerVariantId', x.winner_variant_id,
                             'variants', (SELECT json_agg(json_build_object('id', v.id, 'key', v.key,
                                            'weight', v.weight, 'subjectTemplate', v.subject_template,
                                            'bodyTemplate', v.body_template, 'promptId', v.prompt_id)
                                            ORDER BY v.key)
                                            FROM outreach.step_experiment_variants v
                                           WHERE v.organisation_id = p_organisation_id
                                             AND v.experiment_id = x.id))
                             FROM outreach.step_experiments x
                            WHERE x.organisation_id = p_organisation_id AND x.step_id = t.step_id
                              AND (x.status = 'running'
                                OR (x.status = 'completed' AND x.winner_variant_id IS NOT NULL))
                            ORDER BY x.status = 'running' DESC, x.ended_at DESC NULLS LAST LIMIT 1)
          )
            FROM outreach.tasks t
            JOIN iam.organisations o ON o.id = p_organisation_id
            JOIN outreach.campaign_enrollments e
              ON e.organisation_id = p_organisation_id AND e.id = t.enrollment_id
            JOIN outreach.campaigns c ON c.organisation_id = p_organisation_id AND c.id = t.campaign_id
            JOIN outreach.workflow_steps s ON s.organisation_id = p_organisation_id AND s.id = t.step_id
            JOIN crm.positions p ON p.organisation_id = p_organisation_id AND p.id = e.position_id
            JOIN crm.people pe ON pe.organisation_id = p_organisation_id AND pe.id = p.person_id
            JOIN crm.companies co ON co.organisation_id = p_organisation_id AND co.id = p.company_id
           WHERE t.organisation_id = p_organisation_id AND t.id = wanted.id)
    FROM unnest(p_task_ids) WITH ORDINALITY AS wanted (id, ordinality)
   ORDER BY wanted.ordinality;
END;
$$;
COMMENT ON FUNCTION delivery.send_task_contexts(uuid, uuid[]) IS
  'The sequence engine''s contexts of a batch of tasks as JSON (item: the task''s position in p_task_ids, from 1; NULL when not found in this organisation), the task rows locked FOR UPDATE in id order; lifts expired automatic pauses first; SECURITY INVOKER.';
REVOKE EXECUTE ON FUNCTION delivery.send_task_contexts(uuid, uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delivery.send_task_contexts(uuid, uuid[]) TO outreach_app;

-- The context of one task: the batch's, for a batch of one.
CREATE OR REPLACE FUNCTION delivery.send_task_context(p_organisation_id uuid, p_task_id uuid)
RETURNS json
LANGUAGE sql VOLATILE SECURITY INVOKER
AS $$
  SELECT c.context FROM delivery.send_task_contexts(p_organisation_id, ARRAY[p_task_id]) c
$$;
COMMENT ON FUNCTION delivery.send_task_context(uuid, uuid) IS
  'The sequence engine''s context of one task as JSON (NULL when not found in this organisation): delivery.send_task_contexts for one task; SECURITY INVOKER.';
