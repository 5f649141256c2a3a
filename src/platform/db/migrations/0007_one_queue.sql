-- One durable work queue. Every background task is a row in jobs: emails (mail.send), bulletin sends (mailing.send),
-- reminders and notices. A worker claims a job under its lease (claimed_by, a workers row kept alive by its heartbeat);
-- a job whose worker is gone is taken again. A job that keeps failing is dead-lettered ('dead') with its last error, for
-- an operator to read and retry on /admin/jobs.

ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_status_check;
UPDATE jobs SET status = 'dead' WHERE status = 'failed';
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('pending', 'running', 'done', 'dead'));
ALTER TABLE jobs ADD COLUMN claimed_by uuid;
ALTER TABLE jobs ADD COLUMN claimed_at timestamptz;
ALTER TABLE jobs ADD COLUMN failed_at timestamptz;
DROP INDEX IF EXISTS jobs_due_idx;
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_running_idx ON jobs (claimed_by) WHERE status = 'running';
CREATE INDEX jobs_failed_idx ON jobs (failed_at) WHERE failed_at IS NOT NULL;

-- Work the old loops had in hand becomes jobs: queued emails, and sends not yet finished.
UPDATE mail_messages SET status = 'queued' WHERE status = 'sending';
INSERT INTO jobs (kind, key, run_at, payload)
  SELECT 'mail.send', 'mail:' || id, next_attempt_at, jsonb_build_object('messageId', id) FROM mail_messages WHERE status = 'queued'
  ON CONFLICT (key) DO NOTHING;
INSERT INTO jobs (kind, key, run_at, payload)
  SELECT 'mailing.send', 'mailing.send:' || id || ':migrated', coalesce(scheduled_at, now()), jsonb_build_object('sendId', id)
  FROM sends WHERE status IN ('queued', 'sending')
  ON CONFLICT (key) DO NOTHING;
