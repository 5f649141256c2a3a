-- The bulletin: editions, their introduction, sections and items, comments, and the search index.

CREATE TABLE editions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  title text NOT NULL,
  month date NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'scheduled', 'published')),
  publish_at timestamptz,
  published_at timestamptz,
  intro_person_id integer REFERENCES people (id) ON DELETE SET NULL,
  intro_author text,
  intro_organisation text,
  intro_body text NOT NULL DEFAULT '',
  intro_sign_off text,
  handoff_author text,
  handoff_organisation text,
  source_hash text UNIQUE,
  search tsvector NOT NULL DEFAULT ''::tsvector,
  search_text text NOT NULL DEFAULT '',
  view_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'scheduled' OR publish_at IS NOT NULL)
);
CREATE INDEX editions_published_idx ON editions (status, month DESC, id DESC);
CREATE INDEX editions_search_idx ON editions USING gin (search);

CREATE TABLE sections (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  edition_id integer NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
  position integer NOT NULL,
  heading text,
  standing boolean NOT NULL DEFAULT false
);
CREATE INDEX sections_edition_idx ON sections (edition_id, position);

CREATE TABLE items (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  section_id integer NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
  position integer NOT NULL,
  heading text,
  body text NOT NULL DEFAULT ''
);
CREATE INDEX items_section_idx ON items (section_id, position);

CREATE TABLE attachments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id integer NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  filename text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_item_idx ON attachments (item_id);

CREATE TABLE comments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  edition_id integer NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  author_name text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);
CREATE INDEX comments_edition_idx ON comments (edition_id, status);
