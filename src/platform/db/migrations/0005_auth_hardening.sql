-- Hardening of sign-in and of the mail outbox.

-- Secrets (sign-in tokens and codes, personal links) to strip from a message's stored copy once SMTP has taken it.
ALTER TABLE mail_messages ADD COLUMN secrets jsonb;
