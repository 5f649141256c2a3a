-- The network's work: the regional priority plan, networks and their documents for comment,
-- "Anything to Share" submissions, and opportunities councils sign up to.

CREATE TABLE plans (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_extensions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  previous_end date NOT NULL,
  new_end date NOT NULL,
  reason text NOT NULL,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_strands (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  position integer NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  sponsor_person_id integer REFERENCES people (id) ON DELETE SET NULL
);

CREATE TABLE plan_themes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  title text NOT NULL,
  description text NOT NULL DEFAULT ''
);

CREATE TABLE plan_workstreams (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  strand_id integer NOT NULL REFERENCES plan_strands (id) ON DELETE CASCADE,
  title text NOT NULL,
  lead_person_id integer REFERENCES people (id) ON DELETE SET NULL,
  sponsor_person_id integer REFERENCES people (id) ON DELETE SET NULL
);

CREATE TABLE plan_workstream_members (
  workstream_id integer NOT NULL REFERENCES plan_workstreams (id) ON DELETE CASCADE,
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  PRIMARY KEY (workstream_id, person_id)
);

CREATE TABLE plan_projects (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workstream_id integer NOT NULL REFERENCES plan_workstreams (id) ON DELETE CASCADE,
  title text NOT NULL,
  programme text,
  lead_organisation_id integer REFERENCES organisations (id) ON DELETE SET NULL,
  lead_person_id integer REFERENCES people (id) ON DELETE SET NULL,
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'active', 'completed', 'stopped')),
  starts_on date,
  ends_on date,
  rag text CHECK (rag IN ('red', 'amber', 'green')),
  rag_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_projects_workstream_idx ON plan_projects (workstream_id);

CREATE TABLE plan_outcomes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id integer NOT NULL REFERENCES plan_projects (id) ON DELETE CASCADE,
  recorded_on date NOT NULL,
  kind text NOT NULL DEFAULT 'outcome' CHECK (kind IN ('outcome', 'learning')),
  text text NOT NULL,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE networks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '',
  chair_person_id integer REFERENCES people (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE network_members (
  network_id integer NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  person_id integer NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  PRIMARY KEY (network_id, person_id)
);

CREATE TABLE network_documents (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  network_id integer NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  link text,
  deadline timestamptz NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE network_comments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id integer NOT NULL REFERENCES network_documents (id) ON DELETE CASCADE,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  author_name text NOT NULL,
  organisation_name text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shares (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  body text NOT NULL,
  difference text NOT NULL DEFAULT '',
  contact text,
  link text,
  organisation_id integer REFERENCES organisations (id) ON DELETE SET NULL,
  submitted_by_person_id integer REFERENCES people (id) ON DELETE SET NULL,
  submitted_by text NOT NULL,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'used', 'declined')),
  decline_reason text,
  item_id integer,
  edition_id integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shares_status_idx ON shares (status, created_at);

CREATE TABLE opportunities (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  partner_organisation_id integer NOT NULL REFERENCES organisations (id),
  description text NOT NULL,
  taking_part text NOT NULL DEFAULT '',
  contact text,
  link text,
  closes_on date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE opportunity_signups (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  opportunity_id integer NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
  organisation_id integer NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  contact_email text NOT NULL,
  note text,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (opportunity_id, organisation_id)
);
