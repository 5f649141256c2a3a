-- Worker leases: a row per live Baton process, renewed by a heartbeat. Work a process claims carries its worker id; a
-- claim whose worker row is gone (expired after the lease, or removed at start on PGlite) is retaken at once.

CREATE TABLE workers (
  id uuid PRIMARY KEY,
  pid integer NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE deliveries ADD COLUMN claimed_by uuid;
