-- outreach: campaigns and their execution.
--   campaigns -> workflow_steps (ordered, delay in days, templates or a prompt)
--   workflow_steps -> step_experiments (A/B test) -> step_experiment_variants (key, weight)
--   campaign_enrollments: a position enrolled in a campaign (once)
--   enrollment_step_variant_assignments: the stable variant an enrollment got per experiment
--   tasks: the intention to run a step for an enrollment (due, lock, retries)
--   messages: the e-mails sent and received (at most one outbound message per task)
-- Every table: primary key (organisation_id, id), composite foreign keys that include
-- organisation_id (a row can never point into another organisation), indexes that
-- start with organisation_id except the two worker scans listed in
-- infra/postgres/db/tenancy-exceptions.json.

CREATE TABLE outreach.campaigns (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'draft',
  mailbox_id uuid,
  timezone text NOT NULL DEFAULT 'Europe/Paris',
  sending_window_start time NOT NULL DEFAULT '09:00',
  sending_window_end time NOT NULL DEFAULT '18:00',
  sending_days smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
  daily_limit integer NOT NULL DEFAULT 50,
  track_opens boolean NOT NULL DEFAULT true,
  started_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaigns_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT campaigns_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT campaigns_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
  CONSTRAINT campaigns_description_check CHECK (char_length(description) <= 5000),
  CONSTRAINT campaigns_status_check
    CHECK (status IN ('draft', 'active', 'paused', 'completed', 'archived')),
  CONSTRAINT campaigns_timezone_check CHECK (public.is_valid_time_zone(timezone)),
  CONSTRAINT campaigns_sending_window_check CHECK (sending_window_start < sending_window_end),
  CONSTRAINT campaigns_sending_days_check CHECK (
    cardinality(sending_days) BETWEEN 1 AND 7
    AND sending_days <@ '{1,2,3,4,5,6,7}'::smallint[]
    AND array_position(sending_days, NULL) IS NULL
  ),
  CONSTRAINT campaigns_daily_limit_check CHECK (daily_limit > 0 AND daily_limit <= 100000),
  CONSTRAINT campaigns_completed_at_check CHECK (completed_at >= started_at)
);
COMMENT ON TABLE outreach.campaigns IS 'A multi-step e-mail sequence sent from one mailbox.';
COMMENT ON COLUMN outreach.campaigns.status IS 'draft, active, paused, completed, archived.';
COMMENT ON COLUMN outreach.campaigns.mailbox_id IS
  'The sending identity (mailbox). Mailboxes live outside the four core schemas, hence no foreign key yet.';
COMMENT ON COLUMN outreach.campaigns.timezone IS
  'IANA time zone of the sending window when the prospect''s own (crm.people.timezone) is unknown.';
COMMENT ON COLUMN outreach.campaigns.sending_window_start IS 'Local time from which e-mails may be sent (inclusive).';
COMMENT ON COLUMN outreach.campaigns.sending_window_end IS 'Local time until which e-mails may be sent (exclusive).';
COMMENT ON COLUMN outreach.campaigns.sending_days IS 'ISO days of the week on which e-mails may be sent (1 = Monday ... 7 = Sunday).';
COMMENT ON COLUMN outreach.campaigns.daily_limit IS 'Maximum outbound e-mails per day for this campaign (the mailbox cap applies too).';

CREATE INDEX campaigns_created_at_idx ON outreach.campaigns (organisation_id, created_at, id);
CREATE INDEX campaigns_name_idx ON outreach.campaigns (organisation_id, name, id);
CREATE INDEX campaigns_status_idx ON outreach.campaigns (organisation_id, status);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.campaigns
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Prompts are versioned and insert-only: a change is a new (name, version) row.
CREATE TABLE outreach.prompts (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  purpose text NOT NULL,
  content text NOT NULL,
  model text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT prompts_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT prompts_name_version_key UNIQUE (organisation_id, name, version),
  CONSTRAINT prompts_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT prompts_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
  CONSTRAINT prompts_version_check CHECK (version > 0),
  CONSTRAINT prompts_purpose_check CHECK (purpose IN (
    'email_subject', 'email_body', 'email', 'personalisation', 'reply_classification'
  )),
  CONSTRAINT prompts_content_check CHECK (btrim(content) <> '' AND char_length(content) <= 100000),
  CONSTRAINT prompts_model_check CHECK (btrim(model) <> '' AND char_length(model) <= 100)
);
COMMENT ON TABLE outreach.prompts IS
  'Versioned LLM prompts; insert-only (no updated_at): a change is a new version.';
COMMENT ON COLUMN outreach.prompts.purpose IS
  'email_subject, email_body, email (both), personalisation, reply_classification.';

CREATE INDEX prompts_created_at_idx ON outreach.prompts (organisation_id, created_at, id);

CREATE TABLE outreach.workflow_steps (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  step_order integer NOT NULL,
  delay_days integer NOT NULL DEFAULT 0,
  exit_on_reply boolean NOT NULL DEFAULT true,
  send_as_reply boolean NOT NULL DEFAULT true,
  subject_template text,
  body_template text,
  prompt_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT workflow_steps_pkey PRIMARY KEY (organisation_id, id),
  -- Deferrable so that steps can be reordered in one transaction.
  CONSTRAINT workflow_steps_campaign_step_order_key UNIQUE (organisation_id, campaign_id, step_order)
    DEFERRABLE INITIALLY IMMEDIATE,
  -- Target of foreign keys that also require "this step belongs to that campaign".
  CONSTRAINT workflow_steps_campaign_id_key UNIQUE (organisation_id, campaign_id, id),
  CONSTRAINT workflow_steps_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT workflow_steps_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT workflow_steps_prompt_fkey FOREIGN KEY (organisation_id, prompt_id)
    REFERENCES outreach.prompts (organisation_id, id),
  CONSTRAINT workflow_steps_step_order_check CHECK (step_order BETWEEN 1 AND 1000),
  CONSTRAINT workflow_steps_delay_days_check CHECK (delay_days BETWEEN 0 AND 365),
  CONSTRAINT workflow_steps_subject_template_check CHECK (char_length(subject_template) <= 1000),
  CONSTRAINT workflow_steps_body_template_check CHECK (char_length(body_template) <= 100000)
);
COMMENT ON TABLE outreach.workflow_steps IS
  'One e-mail of a campaign: order, delay after the previous step, templates or a prompt. A/B tests hang off step_experiments.';
COMMENT ON COLUMN outreach.workflow_steps.delay_days IS 'Days to wait after the previous step (0 for the first: send at once).';
COMMENT ON COLUMN outreach.workflow_steps.exit_on_reply IS 'A reply from the prospect ends the enrollment before this step.';
COMMENT ON COLUMN outreach.workflow_steps.send_as_reply IS 'Send in the thread of the previous message (In-Reply-To).';
COMMENT ON COLUMN outreach.workflow_steps.prompt_id IS 'Prompt that generates the e-mail instead of the templates (optional).';

CREATE INDEX workflow_steps_prompt_idx ON outreach.workflow_steps (organisation_id, prompt_id);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.workflow_steps
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE outreach.step_experiments (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  step_id uuid NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  metric text NOT NULL DEFAULT 'reply_rate',
  winner_variant_id uuid,
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT step_experiments_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT step_experiments_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT step_experiments_step_fkey FOREIGN KEY (organisation_id, step_id)
    REFERENCES outreach.workflow_steps (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT step_experiments_name_check CHECK (btrim(name) <> '' AND char_length(name) <= 200),
  CONSTRAINT step_experiments_status_check
    CHECK (status IN ('draft', 'running', 'completed', 'cancelled')),
  CONSTRAINT step_experiments_metric_check CHECK (metric IN ('open_rate', 'reply_rate')),
  CONSTRAINT step_experiments_winner_check CHECK (winner_variant_id IS NULL OR status = 'completed'),
  CONSTRAINT step_experiments_ended_at_check CHECK (ended_at >= started_at)
);
COMMENT ON TABLE outreach.step_experiments IS
  'An A/B test on a workflow step; at most one draft or running experiment per step.';
COMMENT ON COLUMN outreach.step_experiments.winner_variant_id IS
  'The winning variant (one of this experiment''s), set when the experiment completes.';

CREATE INDEX step_experiments_step_idx ON outreach.step_experiments (organisation_id, step_id);
CREATE UNIQUE INDEX step_experiments_active_step_key ON outreach.step_experiments (organisation_id, step_id)
  WHERE status IN ('draft', 'running');

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.step_experiments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE outreach.step_experiment_variants (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  experiment_id uuid NOT NULL,
  key text NOT NULL,
  weight integer NOT NULL DEFAULT 1,
  subject_template text,
  body_template text,
  prompt_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT step_experiment_variants_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT step_experiment_variants_experiment_key_key UNIQUE (organisation_id, experiment_id, key),
  -- Target of foreign keys that also require "this variant belongs to that experiment".
  CONSTRAINT step_experiment_variants_experiment_id_key UNIQUE (organisation_id, experiment_id, id),
  CONSTRAINT step_experiment_variants_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT step_experiment_variants_experiment_fkey FOREIGN KEY (organisation_id, experiment_id)
    REFERENCES outreach.step_experiments (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT step_experiment_variants_prompt_fkey FOREIGN KEY (organisation_id, prompt_id)
    REFERENCES outreach.prompts (organisation_id, id),
  CONSTRAINT step_experiment_variants_key_check CHECK (key ~ '^[A-Za-z0-9_-]{1,32}$'),
  CONSTRAINT step_experiment_variants_weight_check CHECK (weight > 0 AND weight <= 10000),
  CONSTRAINT step_experiment_variants_subject_template_check CHECK (char_length(subject_template) <= 1000),
  CONSTRAINT step_experiment_variants_body_template_check CHECK (char_length(body_template) <= 100000)
);
COMMENT ON TABLE outreach.step_experiment_variants IS
  'A variant of an A/B test: key (A, B, ...), relative weight, and the content that overrides the step''s.';
COMMENT ON COLUMN outreach.step_experiment_variants.weight IS
  'Relative share of enrollments assigned to this variant (> 0).';

CREATE INDEX step_experiment_variants_prompt_idx ON outreach.step_experiment_variants (organisation_id, prompt_id);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.step_experiment_variants
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- The winner must be a variant of the same experiment (the tables reference each other).
ALTER TABLE outreach.step_experiments
  ADD CONSTRAINT step_experiments_winner_variant_fkey
  FOREIGN KEY (organisation_id, id, winner_variant_id)
  REFERENCES outreach.step_experiment_variants (organisation_id, experiment_id, id);

CREATE TABLE outreach.campaign_enrollments (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  position_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active',
  current_step_id uuid,
  exit_reason text,
  exited_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaign_enrollments_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT campaign_enrollments_campaign_position_key UNIQUE (organisation_id, campaign_id, position_id),
  -- Target of foreign keys that also require "this enrollment belongs to that campaign".
  CONSTRAINT campaign_enrollments_campaign_id_key UNIQUE (organisation_id, campaign_id, id),
  CONSTRAINT campaign_enrollments_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT campaign_enrollments_campaign_fkey FOREIGN KEY (organisation_id, campaign_id)
    REFERENCES outreach.campaigns (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT campaign_enrollments_position_fkey FOREIGN KEY (organisation_id, position_id)
    REFERENCES crm.positions (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT campaign_enrollments_current_step_fkey
    FOREIGN KEY (organisation_id, campaign_id, current_step_id)
    REFERENCES outreach.workflow_steps (organisation_id, campaign_id, id)
    ON DELETE SET NULL (current_step_id),
  CONSTRAINT campaign_enrollments_status_check
    CHECK (status IN ('active', 'paused', 'completed', 'exited')),
  CONSTRAINT campaign_enrollments_exit_reason_check CHECK (exit_reason IN (
    'replied', 'bounced', 'unsubscribed', 'invalid_email', 'manual', 'error'
  )),
  CONSTRAINT campaign_enrollments_exit_check CHECK (
    (status = 'exited') = (exit_reason IS NOT NULL) AND (exit_reason IS NULL) = (exited_at IS NULL)
  ),
  CONSTRAINT campaign_enrollments_completed_check CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
COMMENT ON TABLE outreach.campaign_enrollments IS
  'A position enrolled in a campaign (at most once): where it stands and why it left.';
COMMENT ON COLUMN outreach.campaign_enrollments.status IS
  'active, paused, completed (all steps sent), exited (see exit_reason).';
COMMENT ON COLUMN outreach.campaign_enrollments.current_step_id IS
  'The step to run next (a step of the same campaign); NULL before the first or after the last.';
COMMENT ON COLUMN outreach.campaign_enrollments.exit_reason IS
  'replied, bounced, unsubscribed, invalid_email, manual, error; set with exited_at when status = exited.';

CREATE INDEX campaign_enrollments_position_idx ON outreach.campaign_enrollments (organisation_id, position_id);
CREATE INDEX campaign_enrollments_campaign_status_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, status);
CREATE INDEX campaign_enrollments_current_step_idx
  ON outreach.campaign_enrollments (organisation_id, campaign_id, current_step_id);

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.campaign_enrollments
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Insert-only: the variant an enrollment got stays the same for the whole experiment.
CREATE TABLE outreach.enrollment_step_variant_assignments (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  enrollment_id uuid NOT NULL,
  experiment_id uuid NOT NULL,
  variant_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT enrollment_step_variant_assignments_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT enrollment_step_variant_assignments_enrollment_experiment_key
    UNIQUE (organisation_id, enrollment_id, experiment_id),
  CONSTRAINT enrollment_step_variant_assignments_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT enrollment_step_variant_assignments_enrollment_fkey FOREIGN KEY (organisation_id, enrollment_id)
    REFERENCES outreach.campaign_enrollments (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT enrollment_step_variant_assignments_variant_fkey
    FOREIGN KEY (organisation_id, experiment_id, variant_id)
    REFERENCES outreach.step_experiment_variants (organisation_id, experiment_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE outreach.enrollment_step_variant_assignments IS
  'The stable A/B variant an enrollment got for an experiment (one per enrollment and experiment); insert-only.';

CREATE INDEX enrollment_step_variant_assignments_variant_idx
  ON outreach.enrollment_step_variant_assignments (organisation_id, experiment_id, variant_id);

CREATE TABLE outreach.tasks (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL,
  enrollment_id uuid NOT NULL,
  step_id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'send_email',
  status text NOT NULL DEFAULT 'pending',
  due_at timestamptz NOT NULL,
  locked_by text,
  locked_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  last_error text,
  next_attempt_at timestamptz,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tasks_pkey PRIMARY KEY (organisation_id, id),
  -- One task per enrollment and step: scheduling the same step twice is impossible.
  CONSTRAINT tasks_enrollment_step_key UNIQUE (organisation_id, campaign_id, enrollment_id, step_id),
  CONSTRAINT tasks_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT tasks_enrollment_fkey FOREIGN KEY (organisation_id, campaign_id, enrollment_id)
    REFERENCES outreach.campaign_enrollments (organisation_id, campaign_id, id) ON DELETE CASCADE,
  CONSTRAINT tasks_step_fkey FOREIGN KEY (organisation_id, campaign_id, step_id)
    REFERENCES outreach.workflow_steps (organisation_id, campaign_id, id) ON DELETE CASCADE,
  CONSTRAINT tasks_kind_check CHECK (kind IN ('send_email', 'manual')),
  CONSTRAINT tasks_status_check
    CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'skipped')),
  CONSTRAINT tasks_locked_by_check CHECK (btrim(locked_by) <> '' AND char_length(locked_by) <= 200),
  CONSTRAINT tasks_lock_check CHECK (
    (status = 'running') = (locked_by IS NOT NULL) AND (locked_by IS NULL) = (locked_until IS NULL)
  ),
  CONSTRAINT tasks_attempts_check CHECK (attempts >= 0 AND attempts <= max_attempts),
  CONSTRAINT tasks_max_attempts_check CHECK (max_attempts > 0 AND max_attempts <= 100),
  CONSTRAINT tasks_last_error_check CHECK (char_length(last_error) <= 10000)
);
COMMENT ON TABLE outreach.tasks IS
  'The intention to run a step for an enrollment. The worker claims due pending tasks (status running + lock), then completes them or schedules a retry.';
COMMENT ON COLUMN outreach.tasks.status IS 'pending, running (locked), completed, failed (attempts exhausted), cancelled, skipped.';
COMMENT ON COLUMN outreach.tasks.due_at IS 'When the step is due (before applying the sending window).';
COMMENT ON COLUMN outreach.tasks.locked_by IS 'Worker holding the task while status = running.';
COMMENT ON COLUMN outreach.tasks.locked_until IS 'Lock expiry; a running task past it may be reclaimed.';
COMMENT ON COLUMN outreach.tasks.next_attempt_at IS
  'Earliest retry after a failure (backoff); the task runs at coalesce(next_attempt_at, due_at).';

CREATE INDEX tasks_step_idx ON outreach.tasks (organisation_id, campaign_id, step_id);
CREATE INDEX tasks_status_due_idx ON outreach.tasks (organisation_id, status, due_at);
-- Tenancy exceptions (infra/postgres/db/tenancy-exceptions.json): the worker's
-- cross-organisation scans for due tasks and for expired locks.
CREATE INDEX tasks_due_idx ON outreach.tasks ((coalesce(next_attempt_at, due_at)))
  WHERE status = 'pending';
CREATE INDEX tasks_lock_expiry_idx ON outreach.tasks (locked_until)
  WHERE status = 'running';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.tasks
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

CREATE TABLE outreach.messages (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  direction text NOT NULL,
  status text NOT NULL,
  enrollment_id uuid,
  task_id uuid,
  position_id uuid,
  step_experiment_id uuid,
  variant_id uuid,
  mailbox_id uuid,
  from_email citext NOT NULL,
  from_name text,
  to_email citext NOT NULL,
  subject text,
  body_text text,
  body_html text,
  message_id text,
  in_reply_to text,
  sent_at timestamptz,
  received_at timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_pkey PRIMARY KEY (organisation_id, id),
  -- At most one message per task (idempotent sends); only outbound messages have a task
  -- (messages_task_direction_check), so this is "one outbound message per task".
  CONSTRAINT messages_task_key UNIQUE (organisation_id, task_id),
  CONSTRAINT messages_message_id_key UNIQUE (organisation_id, message_id),
  CONSTRAINT messages_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT messages_enrollment_fkey FOREIGN KEY (organisation_id, enrollment_id)
    REFERENCES outreach.campaign_enrollments (organisation_id, id) ON DELETE SET NULL (enrollment_id),
  CONSTRAINT messages_task_fkey FOREIGN KEY (organisation_id, task_id)
    REFERENCES outreach.tasks (organisation_id, id) ON DELETE SET NULL (task_id),
  CONSTRAINT messages_position_fkey FOREIGN KEY (organisation_id, position_id)
    REFERENCES crm.positions (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT messages_variant_fkey FOREIGN KEY (organisation_id, step_experiment_id, variant_id)
    REFERENCES outreach.step_experiment_variants (organisation_id, experiment_id, id)
    ON DELETE SET NULL (step_experiment_id, variant_id),
  CONSTRAINT messages_direction_check CHECK (direction IN ('outbound', 'inbound')),
  CONSTRAINT messages_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'bounced', 'received')),
  CONSTRAINT messages_direction_status_check CHECK ((direction = 'inbound') = (status = 'received')),
  CONSTRAINT messages_task_direction_check CHECK (direction = 'outbound' OR task_id IS NULL),
  CONSTRAINT messages_experiment_variant_check CHECK ((step_experiment_id IS NULL) = (variant_id IS NULL)),
  CONSTRAINT messages_from_email_check
    CHECK (from_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND char_length(from_email) <= 254),
  CONSTRAINT messages_to_email_check
    CHECK (to_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND char_length(to_email) <= 254),
  CONSTRAINT messages_from_name_check CHECK (char_length(from_name) <= 200),
  CONSTRAINT messages_subject_check CHECK (char_length(subject) <= 998),
  CONSTRAINT messages_body_text_check CHECK (char_length(body_text) <= 1000000),
  CONSTRAINT messages_body_html_check CHECK (char_length(body_html) <= 2000000),
  CONSTRAINT messages_message_id_check
    CHECK (message_id <> '' AND message_id !~ '\s' AND char_length(message_id) <= 998),
  CONSTRAINT messages_in_reply_to_check
    CHECK (in_reply_to <> '' AND in_reply_to !~ '\s' AND char_length(in_reply_to) <= 998),
  CONSTRAINT messages_sent_at_check CHECK (status NOT IN ('sent', 'bounced') OR sent_at IS NOT NULL),
  CONSTRAINT messages_received_at_check CHECK (direction = 'outbound' OR received_at IS NOT NULL),
  CONSTRAINT messages_error_check CHECK (char_length(error) <= 10000)
);
COMMENT ON TABLE outreach.messages IS
  'E-mails sent (outbound, one per task at most) and received (inbound replies, bounces).';
COMMENT ON COLUMN outreach.messages.status IS
  'outbound: queued, sending, sent, failed, bounced; inbound: received.';
COMMENT ON COLUMN outreach.messages.mailbox_id IS 'Sending (or receiving) mailbox; daily caps count outbound messages per mailbox.';
COMMENT ON COLUMN outreach.messages.message_id IS 'RFC 5322 Message-ID as in the header (normally with angle brackets), unique per organisation.';
COMMENT ON COLUMN outreach.messages.in_reply_to IS 'RFC 5322 In-Reply-To (the Message-ID answered), for threading replies.';
COMMENT ON COLUMN outreach.messages.step_experiment_id IS 'Experiment whose variant produced this message (with variant_id).';

CREATE INDEX messages_in_reply_to_idx ON outreach.messages (organisation_id, in_reply_to);
CREATE INDEX messages_enrollment_idx ON outreach.messages (organisation_id, enrollment_id, created_at);
CREATE INDEX messages_position_idx ON outreach.messages (organisation_id, position_id, created_at);
CREATE INDEX messages_variant_idx ON outreach.messages (organisation_id, step_experiment_id, variant_id);
CREATE INDEX messages_created_at_idx ON outreach.messages (organisation_id, created_at, id);
CREATE INDEX messages_mailbox_sent_at_idx ON outreach.messages (organisation_id, mailbox_id, sent_at)
  WHERE direction = 'outbound';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON outreach.messages
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
