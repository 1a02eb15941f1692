-- Inbound mail (issue 13): the worker reads each mailbox (IMAP, or a raw message pushed to the
-- api), matches what came back to our outbound message, classifies it and acts on the enrollment.
--
-- 1. outreach.messages: an inbound row keeps its class (human_reply, auto_reply, out_of_office,
--    hard_bounce, soft_bounce, unsubscribe_request), the outbound message it answers or bounces
--    (replied_to_message_id), its References header, the visible reply without the quoted
--    thread, why it was classified so, and an out-of-office return date. Outbound rows keep these
--    NULL. Inbound rows written before this migration have no class (nullable).
-- 2. outreach.campaign_enrollments: paused_until and pause_message_id, an automatic pause (an
--    out-of-office with a return date) that ends by itself: the engine's context read sets the
--    enrollment active again once paused_until has passed.
-- 3. outreach.campaigns.exit_company_on_reply: a human reply exits the colleagues (same SIREN,
--    else same e-mail domain) enrolled in the same campaign too.
-- 4. delivery.mailbox_sync_states: per mailbox and folder, the UIDVALIDITY and last UID read.
-- 5. delivery.mailboxes.inbound_secret_hash: SHA-256 of the per-mailbox secret of the push
--    endpoint (POST /inbound/:mailboxId); the secret itself is shown once and never stored.
-- 6. delivery.inbound_actions: insert-only log of what every inbound message caused (exit,
--    pause, suppress, recorded only, ignored) with the reason and the message.
-- 7. platform.inbound_mailboxes() and platform.resolve_inbound_mailbox(uuid): the two
--    cross-organisation doors inbound mail needs (ids only).
-- 8. delivery.send_task_context redefined: `replied` is a human reply, not any inbound message;
--    the enrollment carries pausedUntil and an expired automatic pause is lifted.

-- 1. Inbound messages.
ALTER TABLE outreach.messages
  ADD COLUMN inbound_class text,
  ADD COLUMN replied_to_message_id uuid,
  ADD COLUMN references_header text,
  ADD COLUMN reply_text text,
  ADD COLUMN classification_reason text,
  ADD COLUMN returns_on date,
  ADD CONSTRAINT messages_inbound_class_check CHECK (inbound_class IN (
    'human_reply', 'auto_reply', 'out_of_office', 'hard_bounce', 'soft_bounce', 'unsubscribe_request'
  )),
  ADD CONSTRAINT messages_replied_to_message_fkey FOREIGN KEY (organisation_id, replied_to_message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE SET NULL (replied_to_message_id),
  ADD CONSTRAINT messages_inbound_columns_check CHECK (
    direction = 'inbound' OR num_nonnulls(inbound_class, replied_to_message_id, references_header,
      reply_text, classification_reason, returns_on) = 0
  ),
  ADD CONSTRAINT messages_references_header_check CHECK (char_length(references_header) <= 20000),
  ADD CONSTRAINT messages_reply_text_check CHECK (char_length(reply_text) <= 1000000),
  ADD CONSTRAINT messages_classification_reason_check CHECK (char_length(classification_reason) <= 2000),
  ADD CONSTRAINT messages_returns_on_check CHECK (returns_on IS NULL OR inbound_class = 'out_of_office');
CREATE INDEX messages_replied_to_message_idx ON outreach.messages (organisation_id, replied_to_message_id);
-- The last sends to an address (three soft bounces within the last five sends).
CREATE INDEX messages_to_email_sent_at_idx ON outreach.messages (organisation_id, to_email, sent_at)
  WHERE direction = 'outbound';
COMMENT ON COLUMN outreach.messages.inbound_class IS
  'Inbound only: human_reply, auto_reply, out_of_office, hard_bounce, soft_bounce, unsubscribe_request (NULL for inbound rows older than the classifier).';
COMMENT ON COLUMN outreach.messages.replied_to_message_id IS
  'Inbound only: our outbound message this one answers or bounces (In-Reply-To / References, the DSN''s original Message-ID, or sender + subject).';
COMMENT ON COLUMN outreach.messages.references_header IS 'Inbound only: the References header as received.';
COMMENT ON COLUMN outreach.messages.reply_text IS 'Inbound only: the visible reply, without the quoted thread and signature.';
COMMENT ON COLUMN outreach.messages.classification_reason IS 'Inbound only: why the classifier chose inbound_class (header, pattern, DSN status).';
COMMENT ON COLUMN outreach.messages.returns_on IS 'Inbound out-of-office only: the return date found in the message, when one was.';

-- 2. Automatic pause of an enrollment.
ALTER TABLE outreach.campaign_enrollments
  ADD COLUMN paused_until timestamptz,
  ADD COLUMN pause_message_id uuid,
  ADD CONSTRAINT campaign_enrollments_pause_message_fkey FOREIGN KEY (organisation_id, pause_message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE SET NULL (pause_message_id);
CREATE INDEX campaign_enrollments_pause_message_idx
  ON outreach.campaign_enrollments (organisation_id, pause_message_id);
COMMENT ON COLUMN outreach.campaign_enrollments.paused_until IS
  'An automatic pause (out-of-office with a return date) ends at this instant: the engine sets the enrollment active again. Read only while status = paused; NULL for a manual pause.';
COMMENT ON COLUMN outreach.campaign_enrollments.pause_message_id IS
  'The inbound message (out-of-office) that caused the current or last automatic pause.';

-- 3. Company-wide exit on reply.
ALTER TABLE outreach.campaigns
  ADD COLUMN exit_company_on_reply boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN outreach.campaigns.exit_company_on_reply IS
  'A human reply also exits the colleagues enrolled in this campaign (same SIREN, else same e-mail domain).';

-- 4. Where the IMAP sync of a mailbox folder stands.
CREATE TABLE delivery.mailbox_sync_states (
  organisation_id uuid NOT NULL,
  mailbox_id uuid NOT NULL,
  folder text NOT NULL,
  uid_validity bigint NOT NULL,
  last_uid bigint NOT NULL DEFAULT 0,
  last_synced_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT mailbox_sync_states_pkey PRIMARY KEY (organisation_id, mailbox_id, folder),
  CONSTRAINT mailbox_sync_states_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT mailbox_sync_states_mailbox_fkey FOREIGN KEY (organisation_id, mailbox_id)
    REFERENCES delivery.mailboxes (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT mailbox_sync_states_folder_check CHECK (folder <> ''),
  CONSTRAINT mailbox_sync_states_uid_validity_check CHECK (uid_validity BETWEEN 1 AND 4294967295),
  CONSTRAINT mailbox_sync_states_last_uid_check CHECK (last_uid BETWEEN 0 AND 4294967295),
  CONSTRAINT mailbox_sync_states_last_error_check CHECK (char_length(last_error) <= 2000),
  CONSTRAINT mailbox_sync_states_last_error_at_check CHECK ((last_error IS NULL) = (last_error_at IS NULL))
);
COMMENT ON TABLE delivery.mailbox_sync_states IS
  'IMAP sync position of a mailbox folder: UIDVALIDITY and the last UID read (a new UIDVALIDITY restarts from 0; duplicates are ignored by Message-ID).';
CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON delivery.mailbox_sync_states
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- 5. Push endpoint secret.
ALTER TABLE delivery.mailboxes
  ADD COLUMN inbound_secret_hash bytea,
  ADD CONSTRAINT mailboxes_inbound_secret_hash_check CHECK (octet_length(inbound_secret_hash) = 32);
COMMENT ON COLUMN delivery.mailboxes.inbound_secret_hash IS
  'SHA-256 of the secret that authenticates POST /inbound/:mailboxId (shown once when generated, never stored); NULL: no push.';

-- 6. What inbound messages caused.
CREATE TABLE delivery.inbound_actions (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  message_id uuid NOT NULL,
  enrollment_id uuid,
  action text NOT NULL,
  reason text NOT NULL,
  exit_reason text,
  paused_until timestamptz,
  suppression_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inbound_actions_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT inbound_actions_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT inbound_actions_message_fkey FOREIGN KEY (organisation_id, message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT inbound_actions_enrollment_fkey FOREIGN KEY (organisation_id, enrollment_id)
    REFERENCES outreach.campaign_enrollments (organisation_id, id) ON DELETE SET NULL (enrollment_id),
  CONSTRAINT inbound_actions_suppression_fkey FOREIGN KEY (organisation_id, suppression_id)
    REFERENCES delivery.suppressions (organisation_id, id) ON DELETE SET NULL (suppression_id),
  CONSTRAINT inbound_actions_action_check
    CHECK (action IN ('exited', 'paused', 'suppressed', 'bounced', 'recorded')),
  CONSTRAINT inbound_actions_reason_check CHECK (btrim(reason) <> '' AND char_length(reason) <= 2000),
  CONSTRAINT inbound_actions_exit_reason_check CHECK (exit_reason IN ('replied', 'bounced', 'unsubscribed')),
  CONSTRAINT inbound_actions_exited_check CHECK ((action = 'exited') = (exit_reason IS NOT NULL)),
  CONSTRAINT inbound_actions_paused_until_check CHECK ((action = 'paused') = (paused_until IS NOT NULL))
);
CREATE INDEX inbound_actions_message_idx ON delivery.inbound_actions (organisation_id, message_id);
CREATE INDEX inbound_actions_enrollment_idx ON delivery.inbound_actions (organisation_id, enrollment_id);
CREATE INDEX inbound_actions_suppression_idx ON delivery.inbound_actions (organisation_id, suppression_id);
COMMENT ON TABLE delivery.inbound_actions IS
  'Insert-only: what an inbound message caused — exited (with exit_reason), paused (until), suppressed (the address), bounced (our message marked bounced), recorded (nothing changed) — and why.';

GRANT SELECT, INSERT, UPDATE, DELETE ON delivery.mailbox_sync_states TO outreach_app;
GRANT SELECT, INSERT, DELETE ON delivery.inbound_actions TO outreach_app;
ALTER TABLE delivery.mailbox_sync_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.mailbox_sync_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.mailbox_sync_states
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE delivery.inbound_actions ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.inbound_actions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.inbound_actions
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);

-- 7. Cross-organisation doors: the worker's list of mailboxes to read, the api's push endpoint
-- resolving a mailbox id to its organisation (the secret is then checked in the tenant context).
GRANT USAGE ON SCHEMA delivery TO outreach_system;
GRANT SELECT (organisation_id, id, status, imap_host) ON delivery.mailboxes TO outreach_system;
CREATE POLICY system_inbound_read ON delivery.mailboxes FOR SELECT TO outreach_system USING (true);

CREATE FUNCTION platform.inbound_mailboxes()
RETURNS TABLE (organisation_id uuid, mailbox_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.organisation_id, m.id
    FROM delivery.mailboxes m
   WHERE m.status = 'active' AND m.imap_host IS NOT NULL
   ORDER BY m.organisation_id, m.id
$$;
COMMENT ON FUNCTION platform.inbound_mailboxes() IS
  'Lists (organisation_id, mailbox_id) of the active mailboxes with IMAP settings, for the worker''s inbound sync. Part of the only cross-organisation door (schema platform).';

CREATE FUNCTION platform.resolve_inbound_mailbox(p_mailbox_id uuid)
RETURNS TABLE (organisation_id uuid, mailbox_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.organisation_id, m.id
    FROM delivery.mailboxes m
   WHERE m.id = p_mailbox_id
$$;
COMMENT ON FUNCTION platform.resolve_inbound_mailbox(uuid) IS
  'Resolves a mailbox id to (organisation_id, mailbox_id) for the push endpoint, which then checks the secret in that organisation; no row when unknown. Part of the only cross-organisation door (schema platform).';

ALTER FUNCTION platform.inbound_mailboxes() OWNER TO outreach_system;
ALTER FUNCTION platform.resolve_inbound_mailbox(uuid) OWNER TO outreach_system;
REVOKE EXECUTE ON FUNCTION platform.inbound_mailboxes() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION platform.resolve_inbound_mailbox(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION platform.inbound_mailboxes() TO outreach_app;
GRANT EXECUTE ON FUNCTION platform.resolve_inbound_mailbox(uuid) TO outreach_app;

-- 8. The engine's context: `replied` is a human reply; an expired automatic pause is lifted
-- (the enrollment resumes by itself) and the enrollment carries pausedUntil for the send gate.
CREATE OR REPLACE FUNCTION delivery.send_task_context(p_organisation_id uuid, p_task_id uuid)
RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
  context json;
BEGIN
  UPDATE outreach.campaign_enrollments e
     SET status = 'active', paused_until = NULL
    FROM outreach.tasks t
   WHERE t.organisation_id = p_organisation_id AND t.id = p_task_id
     AND e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
     AND e.status = 'paused' AND e.paused_until <= now();

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
                              AND r.enrollment_id = t.enrollment_id AND r.direction = 'inbound'
                              AND r.inbound_class = 'human_reply'),
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
  'The sequence engine''s context of one task as JSON (NULL when not found in this organisation), the task row locked FOR UPDATE; lifts an expired automatic pause first; replied = a human reply; SECURITY INVOKER, plan cached per server connection.';
