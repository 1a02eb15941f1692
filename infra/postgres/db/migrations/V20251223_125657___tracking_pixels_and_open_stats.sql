-- tracking: open-tracking pixels and per-message open statistics.
--
-- Pixel token format: <organisation>.<secret>
--   organisation: the organisation id's 16 bytes in base64url, 22 characters
--   secret:       at least 16 random bytes (128 bits) in base64url, 22 to 86 characters
-- The tracker reads the organisation from the token alone and looks the pixel up by
-- (organisation_id, token): no global unique index is needed (a sharded PostgreSQL
-- distributed by organisation_id can enforce pixels_token_key).

-- Organisation id carried by a pixel token, or NULL when the token is malformed.
CREATE FUNCTION tracking.token_organisation_id(token text) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN token ~ '^[A-Za-z0-9_-]{21}[AQgw]\.[A-Za-z0-9_-]{22,86}$'
    THEN encode(decode(translate(substr(token, 1, 22), '-_', '+/') || '==', 'base64'), 'hex')::uuid
  END
$$;
COMMENT ON FUNCTION tracking.token_organisation_id(text) IS
  'Organisation id encoded in the first part of a pixel token (base64url of 16 bytes); NULL if malformed.';

CREATE TABLE tracking.pixels (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  message_id uuid NOT NULL,
  token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pixels_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT pixels_token_key UNIQUE (organisation_id, token),
  CONSTRAINT pixels_message_key UNIQUE (organisation_id, message_id),
  CONSTRAINT pixels_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT pixels_message_fkey FOREIGN KEY (organisation_id, message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE CASCADE,
  -- coalesce: a malformed token decodes to NULL, which a bare comparison would let through.
  CONSTRAINT pixels_token_check CHECK (coalesce(tracking.token_organisation_id(token) = organisation_id, false))
);
COMMENT ON TABLE tracking.pixels IS
  'Open-tracking pixel of an outbound message (one per message); insert-only.';
COMMENT ON COLUMN tracking.pixels.token IS
  '<base64url(organisation id)>.<base64url(>= 16 random bytes)>; generated on insert when not given.';

-- Generates the token when the insert leaves it out: organisation prefix + 18 random
-- bytes (144 bits). search_path is captured from the migration so that pgcrypto's
-- gen_random_bytes() resolves wherever the extension was installed.
CREATE FUNCTION tracking.pixels_set_token() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NEW.token IS NULL THEN
    NEW.token := rtrim(translate(encode(uuid_send(NEW.organisation_id), 'base64'), '+/', '-_'), '=')
      || '.' || translate(encode(gen_random_bytes(18), 'base64'), '+/', '-_');
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER pixels_set_token
  BEFORE INSERT ON tracking.pixels
  FOR EACH ROW EXECUTE FUNCTION tracking.pixels_set_token();

CREATE TABLE tracking.message_open_stats (
  organisation_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  message_id uuid NOT NULL,
  open_count integer NOT NULL DEFAULT 0,
  human_open_count integer NOT NULL DEFAULT 0,
  proxy_open_count integer NOT NULL DEFAULT 0,
  bot_open_count integer NOT NULL DEFAULT 0,
  first_open_at timestamptz,
  last_open_at timestamptz,
  first_human_open_at timestamptz,
  last_human_open_at timestamptz,
  last_open_kind text,
  last_user_agent text,
  last_ip_class text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT message_open_stats_pkey PRIMARY KEY (organisation_id, id),
  CONSTRAINT message_open_stats_message_key UNIQUE (organisation_id, message_id),
  CONSTRAINT message_open_stats_organisation_id_fkey FOREIGN KEY (organisation_id)
    REFERENCES iam.organisations (id) ON DELETE CASCADE,
  CONSTRAINT message_open_stats_message_fkey FOREIGN KEY (organisation_id, message_id)
    REFERENCES outreach.messages (organisation_id, id) ON DELETE CASCADE,
  CONSTRAINT message_open_stats_counts_check CHECK (
    human_open_count >= 0 AND proxy_open_count >= 0 AND bot_open_count >= 0
    AND open_count = human_open_count + proxy_open_count + bot_open_count
  ),
  CONSTRAINT message_open_stats_open_at_check CHECK (
    (open_count = 0) = (first_open_at IS NULL)
    AND (first_open_at IS NULL) = (last_open_at IS NULL)
    AND first_open_at <= last_open_at
  ),
  CONSTRAINT message_open_stats_human_open_at_check CHECK (
    (human_open_count = 0) = (first_human_open_at IS NULL)
    AND (first_human_open_at IS NULL) = (last_human_open_at IS NULL)
    AND first_human_open_at <= last_human_open_at
  ),
  CONSTRAINT message_open_stats_last_open_kind_check CHECK (last_open_kind IN ('human', 'proxy', 'bot')),
  CONSTRAINT message_open_stats_last_user_agent_check CHECK (char_length(last_user_agent) <= 1000),
  CONSTRAINT message_open_stats_last_ip_class_check CHECK (last_ip_class IN (
    'residential', 'apple_mpp', 'google_proxy', 'yahoo_proxy', 'microsoft', 'security_scanner',
    'datacenter', 'unknown'
  ))
);
COMMENT ON TABLE tracking.message_open_stats IS
  'Open counters of one message, split by who fetched the pixel: humans, mail proxies, bots.';
COMMENT ON COLUMN tracking.message_open_stats.open_count IS
  'Total pixel fetches (= human + proxy + bot); "opened" (unique) = first_human_open_at IS NOT NULL.';
COMMENT ON COLUMN tracking.message_open_stats.proxy_open_count IS
  'Fetches by privacy/image proxies that prefetch without a human (Apple Mail Privacy Protection, Google image proxy).';
COMMENT ON COLUMN tracking.message_open_stats.bot_open_count IS 'Fetches by security scanners and other bots.';
COMMENT ON COLUMN tracking.message_open_stats.last_open_kind IS 'Classification of the last fetch: human, proxy, bot.';
COMMENT ON COLUMN tracking.message_open_stats.last_ip_class IS
  'Network class of the last fetch (no raw IP is stored): residential, apple_mpp, google_proxy, yahoo_proxy, microsoft, security_scanner, datacenter, unknown.';

CREATE TRIGGER set_updated_at
  BEFORE UPDATE ON tracking.message_open_stats
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
