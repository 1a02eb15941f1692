-- Undo V20251231_500000: the engine writes each send with the single-send functions again, and
-- delivery.send_task_context is again the function V20251231_400000 defined.
CREATE OR REPLACE FUNCTION delivery.send_task_context(p_organisation_id uuid, p_task_id uuid)
RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  context json;
  v_enrollment_id uuid;
  v_campaign_id uuid;
  v_step_id uuid;
BEGIN
  -- The pause first (as before: the enrollment's row, then the task's), found by the task's key.
  UPDATE outreach.campaign_enrollments e
     SET status = 'active', paused_until = NULL
   WHERE e.organisation_id = p_organisation_id
     AND e.id = (SELECT t.enrollment_id FROM outreach.tasks t
                  WHERE t.organisation_id = p_organisation_id AND t.id = p_task_id)
     AND e.status = 'paused' AND e.paused_until <= now();

  SELECT t.enrollment_id, t.campaign_id, t.step_id
    INTO v_enrollment_id, v_campaign_id, v_step_id
    FROM outreach.tasks t
   WHERE t.organisation_id = p_organisation_id AND t.id = p_task_id
     FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;

  SELECT json_build_object(
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
                      WHERE n.organisation_id = p_organisation_id AND n.campaign_id = v_campaign_id
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
                     WHERE msg.organisation_id = p_organisation_id AND msg.task_id = p_task_id),
        'thread', coalesce((SELECT json_agg(json_build_object('messageId', th.message_id,
                               'subject', th.subject) ORDER BY th.created_at)
                              FROM outreach.messages th
                             WHERE th.organisation_id = p_organisation_id
                               AND th.enrollment_id = v_enrollment_id
                               AND th.direction = 'outbound' AND th.status IN ('sent', 'bounced')
                               AND th.task_id IS DISTINCT FROM p_task_id), '[]'::json),
        -- A scalar subquery, not EXISTS: never planned as a hash of the organisation's messages.
        'replied', coalesce((SELECT true FROM outreach.messages r
                              WHERE r.organisation_id = p_organisation_id
                                AND r.enrollment_id = v_enrollment_id AND r.direction = 'inbound'
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
                        WHERE x.organisation_id = p_organisation_id AND x.step_id = v_step_id
                          AND (x.status = 'running'
                            OR (x.status = 'completed' AND x.winner_variant_id IS NOT NULL))
                        ORDER BY x.status = 'running' DESC, x.ended_at DESC NULLS LAST LIMIT 1)
      )
      INTO context
        FROM outreach.tasks t
        JOIN iam.organisations o ON o.id = p_organisation_id
        JOIN outreach.campaign_enrollments e
          ON e.organisation_id = p_organisation_id AND e.id = v_enrollment_id
        JOIN outreach.campaigns c ON c.organisation_id = p_organisation_id AND c.id = v_campaign_id
        JOIN outreach.workflow_steps s ON s.organisation_id = p_organisation_id AND s.id = v_step_id
        JOIN crm.positions p ON p.organisation_id = p_organisation_id AND p.id = e.position_id
        JOIN crm.people pe ON pe.organisation_id = p_organisation_id AND pe.id = p.person_id
        JOIN crm.companies co ON co.organisation_id = p_organisation_id AND co.id = p.company_id
       WHERE t.organisation_id = p_organisation_id AND t.id = p_task_id;
  RETURN context;
END;
$$;
COMMENT ON FUNCTION delivery.send_task_context(uuid, uuid) IS
  'The sequence engine''s context of one task as JSON (NULL when not found in this organisation), the task row locked FOR UPDATE; lifts an expired automatic pause first; replied = a human reply; every row found by key (the task''s first); SECURITY INVOKER, plan cached per server connection.';
DROP FUNCTION delivery.send_task_contexts(uuid, uuid[]);
DROP FUNCTION delivery.record_sent_many(uuid, delivery.sent_record[]);
DROP TYPE delivery.sent_record;
DROP FUNCTION delivery.write_sending_many(uuid, delivery.sending_draft[]);
DROP TYPE delivery.sending_draft;
