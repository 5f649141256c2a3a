-- Hardening of sign-in and of the mail outbox.

-- Secrets (sign-in tokens and codes, personal links) to strip from a message's stored copy once SMTP has taken it.
ALTER TABLE mail_messages ADD COLUMN secrets jsonb;

-- Wrong sign-in codes, per address, and the lock-outs they lead to.
CREATE TABLE sign_in_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, created_at);

CREATE TABLE sign_in_locks (
  email text PRIMARY KEY,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
