-- delivery: how an organisation sends (mailboxes: the sending identities, their SMTP and
-- optional IMAP settings with encrypted secrets, caps and warm-up) and to whom it never sends
-- again (suppressions: an address or a whole domain).
--
-- The tenancy rules of the four seed schemas apply here too: primary key (organisation_id, id),
-- composite foreign keys, indexes that start with organisation_id, forced row-level security on
-- app.organisation_id, grants to outreach_app.
--
-- Secrets are encrypted by the apps (AES-256-GCM, @outreach/secrets) before they reach the
-- database: a *_password_encrypted column holds `iv || tag || ciphertext` for the key named by
-- secret_key_id, with the organisation, the mailbox and the field as additional data (a
-- ciphertext copied to another row or field does not decrypt). The database never sees a
-- plaintext password and the api never returns one.

CREATE SCHEMA delivery;
COMMENT ON SCHEMA delivery IS 'Sending identities (mailboxes) and the suppression list.';

CREATE TABLE delivery.mailboxes (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  email_address citext NOT NULL,
  display_name text,
  smtp_host text NOT NULL,
  smtp_port integer NOT NULL,
  smtp_security text NOT NULL DEFAULT 'starttls',
  smtp_username text NOT NULL,
  smtp_password_encrypted bytea NOT NULL,
  imap_host text,
  imap_port integer,
  imap_security text,
  imap_username text,
  imap_password_encrypted bytea,
  secret_key_id text NOT NULL,
  daily_cap integer NOT NULL DEFAULT 200,
  warmup_start_per_day integer,
  warmup_increment_per_day integer,
  warmup_target_per_day integer,
  warmup_started_on date,
  min_spacing_seconds integer NOT NULL DEFAULT 60,
  status text NOT NULL DEFAULT 'active',
  last_error text,
  last_error_at timestamptz,
  verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT mailboxes_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT mailboxes_email_address_key UNIQUE (organisation_id, email_address),
  CONSTRAINT mailboxes_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT mailboxes_email_address_check
    CHECK (char_length(email_address) <= 320 AND email_address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  CONSTRAINT mailboxes_display_name_check
    CHECK (btrim(display_name) <> '' AND char_length(display_name) <= 200),
  CONSTRAINT mailboxes_smtp_host_check CHECK (smtp_host ~ '^[A-Za-z0-9.:\[\]-]{1,253}$'),
  CONSTRAINT mailboxes_smtp_port_check CHECK (smtp_port BETWEEN 1 AND 65535),
  CONSTRAINT mailboxes_smtp_security_check CHECK (smtp_security IN ('tls', 'starttls', 'none')),
  CONSTRAINT mailboxes_smtp_username_check
    CHECK (btrim(smtp_username) <> '' AND char_length(smtp_username) <= 320),
  CONSTRAINT mailboxes_smtp_password_check CHECK (octet_length(smtp_password_encrypted) BETWEEN 29 AND 4096),
  CONSTRAINT mailboxes_imap_host_check CHECK (imap_host ~ '^[A-Za-z0-9.:\[\]-]{1,253}$'),
  CONSTRAINT mailboxes_imap_port_check CHECK (imap_port BETWEEN 1 AND 65535),
  CONSTRAINT mailboxes_imap_security_check CHECK (imap_security IN ('tls', 'starttls', 'none')),
  CONSTRAINT mailboxes_imap_username_check
    CHECK (btrim(imap_username) <> '' AND char_length(imap_username) <= 320),
  CONSTRAINT mailboxes_imap_password_check CHECK (octet_length(imap_password_encrypted) BETWEEN 29 AND 4096),
  -- IMAP is optional, but all or nothing.
  CONSTRAINT mailboxes_imap_all_or_none CHECK (
    num_nulls(imap_host, imap_port, imap_security, imap_username, imap_password_encrypted) IN (0, 5)
  ),
  CONSTRAINT mailboxes_secret_key_id_check CHECK (secret_key_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  CONSTRAINT mailboxes_daily_cap_check CHECK (daily_cap BETWEEN 1 AND 100000),
  -- The warm-up ramp is optional, but all or nothing: start, +increment per day, up to target.
  CONSTRAINT mailboxes_warmup_all_or_none CHECK (
    num_nulls(warmup_start_per_day, warmup_increment_per_day, warmup_target_per_day) IN (0, 3)
  ),
  CONSTRAINT mailboxes_warmup_check CHECK (
    warmup_start_per_day >= 1 AND warmup_increment_per_day >= 0
    AND warmup_target_per_day >= warmup_start_per_day AND warmup_target_per_day <= 100000
  ),
  CONSTRAINT mailboxes_min_spacing_seconds_check CHECK (min_spacing_seconds BETWEEN 0 AND 86400),
  CONSTRAINT mailboxes_status_check CHECK (status IN ('active', 'paused', 'error')),
  CONSTRAINT mailboxes_last_error_check CHECK (char_length(last_error) <= 2000),
  CONSTRAINT mailboxes_error_check CHECK (status <> 'error' OR last_error IS NOT NULL)
);
CREATE INDEX mailboxes_created_at_idx ON delivery.mailboxes (organisation_id, created_at, id);
CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON delivery.mailboxes
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
COMMENT ON TABLE delivery.mailboxes IS
  'A sending identity: SMTP (and optional IMAP) settings with encrypted passwords, daily cap, warm-up ramp, spacing, status.';
COMMENT ON COLUMN delivery.mailboxes.smtp_password_encrypted IS
  'AES-256-GCM: iv (12 bytes) || tag (16) || ciphertext, key secret_key_id, additional data organisation:mailbox:field.';
COMMENT ON COLUMN delivery.mailboxes.warmup_started_on IS
  'First day of the warm-up ramp: the allowance on day d is min(target, start + increment * d), and never above daily_cap.';

-- Mailboxes are referenced by campaigns (the sending identity) and by messages (who sent or
-- received). A mailbox in use cannot be deleted: pause it instead.
-- The foreign keys' indexes (the outbound-only messages_mailbox_sent_at_idx cannot serve the
-- key checks of a mailbox delete for inbound rows).
CREATE INDEX campaigns_mailbox_idx ON outreach.campaigns (organisation_id, mailbox_id);
CREATE INDEX messages_mailbox_idx ON outreach.messages (organisation_id, mailbox_id);
ALTER TABLE outreach.campaigns
  ADD CONSTRAINT campaigns_mailbox_fkey FOREIGN KEY (organisation_id, mailbox_id)
  REFERENCES delivery.mailboxes (organisation_id, id);
ALTER TABLE outreach.messages
  ADD CONSTRAINT messages_mailbox_fkey FOREIGN KEY (organisation_id, mailbox_id)
  REFERENCES delivery.mailboxes (organisation_id, id);

CREATE TABLE delivery.suppressions (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  value citext NOT NULL,
  reason text NOT NULL,
  source_message_id uuid,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT suppressions_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT suppressions_kind_value_key UNIQUE (organisation_id, kind, value),
  CONSTRAINT suppressions_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT suppressions_source_message_fkey FOREIGN KEY (organisation_id, source_message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE SET NULL (source_message_id),
  CONSTRAINT suppressions_kind_check CHECK (kind IN ('email', 'domain')),
  -- An address has one @; a domain has none and at least one dot (labels of 1..63 characters).
  CONSTRAINT suppressions_value_check CHECK (
    char_length(value) <= 320 AND (
      (kind = 'email' AND value ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$')
      OR (kind = 'domain' AND value ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$')
    )
  ),
  CONSTRAINT suppressions_reason_check
    CHECK (reason IN ('unsubscribed', 'hard_bounce', 'complaint', 'manual', 'erased')),
  CONSTRAINT suppressions_note_check CHECK (char_length(note) <= 1000)
);
CREATE INDEX suppressions_created_at_idx ON delivery.suppressions (organisation_id, created_at, id);
CREATE INDEX suppressions_source_message_idx ON delivery.suppressions (organisation_id, source_message_id);
COMMENT ON TABLE delivery.suppressions IS
  'Never send again: an e-mail address or a whole domain, with the reason and the message that caused it. Erasure keeps only this row.';

-- Row-level security and grants, as on every tenant table.
GRANT USAGE ON SCHEMA delivery TO outreach_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON delivery.mailboxes TO outreach_app;
GRANT SELECT, INSERT, DELETE ON delivery.suppressions TO outreach_app;
ALTER TABLE delivery.mailboxes ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.mailboxes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.mailboxes
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
ALTER TABLE delivery.suppressions ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery.suppressions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery.suppressions
  USING (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid)
  WITH CHECK (organisation_id = nullif(current_setting('app.organisation_id', true), '')::uuid);
