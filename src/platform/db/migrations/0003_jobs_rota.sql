-- Scheduled jobs, and the introduction rota with its reminders and submissions.

CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  key text NOT NULL UNIQUE,
  run_at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (status, run_at);

CREATE TABLE rota_slots (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  month date NOT NULL UNIQUE,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  author_name text NOT NULL,
  organisation_name text,
  deadline date,
  source text NOT NULL DEFAULT 'rota' CHECK (source IN ('rota', 'import')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intro_links (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  month date NOT NULL,
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE introductions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  month date NOT NULL,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  author_name text NOT NULL,
  organisation_name text,
  body text NOT NULL,
  submitted_by text NOT NULL,
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'placed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  placed_at timestamptz
);
CREATE INDEX introductions_month_idx ON introductions (month, created_at DESC);

ALTER TABLE mail_messages ADD COLUMN ical jsonb;
