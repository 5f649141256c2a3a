-- Each person's private calendar feed of the events they have a place at: only the SHA-256 of its secret is kept.
CREATE TABLE event_calendar_feeds (
  person_id integer PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
