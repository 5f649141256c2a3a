-- Distribution: mailing lists, subscribers and their consent, sends and per-recipient deliveries.

CREATE TABLE mailing_lists (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  description text,
  public boolean NOT NULL DEFAULT true,
  requires_approval boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX mailing_lists_name_key ON mailing_lists (lower(name));

CREATE TABLE subscribers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  name text,
  role text,
  organisation text,
  bouncing boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscribers_email_key ON subscribers (lower(email));

CREATE TABLE subscriptions (
  list_id integer NOT NULL REFERENCES mailing_lists (id) ON DELETE CASCADE,
  subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('unconfirmed', 'awaiting_approval', 'active', 'unsubscribed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (list_id, subscriber_id)
);
CREATE INDEX subscriptions_active_idx ON subscriptions (list_id, status, subscriber_id);

CREATE TABLE consent_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  list_id integer REFERENCES mailing_lists (id) ON DELETE CASCADE,
  action text NOT NULL,
  source text NOT NULL,
  detail text
);
CREATE INDEX consent_events_subscriber_idx ON consent_events (subscriber_id, at);

CREATE TABLE confirm_tokens (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  list_id integer NOT NULL REFERENCES mailing_lists (id) ON DELETE CASCADE,
  subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE sends (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  edition_id integer NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
  list_id integer NOT NULL REFERENCES mailing_lists (id) ON DELETE CASCADE,
  segment jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'paused', 'done', 'cancelled', 'failed')),
  scheduled_at timestamptz,
  total integer NOT NULL DEFAULT 0,
  consecutive_errors integer NOT NULL DEFAULT 0,
  pause_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX sends_status_idx ON sends (status, scheduled_at);

CREATE TABLE deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  send_id integer NOT NULL REFERENCES sends (id) ON DELETE CASCADE,
  subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  email text NOT NULL,
  name text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'bounced', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_at timestamptz,
  sent_at timestamptz,
  UNIQUE (send_id, subscriber_id)
);
CREATE INDEX deliveries_work_idx ON deliveries (send_id, status, next_attempt_at, id);
