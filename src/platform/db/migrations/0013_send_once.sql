-- Sending twice: a send made with "send only to those who have not had it" leaves out everyone who already has a
-- delivery of the same edition (sent, or on its way) through any list or segment.
ALTER TABLE sends ADD COLUMN only_new boolean NOT NULL DEFAULT false;
CREATE INDEX deliveries_subscriber_idx ON deliveries (subscriber_id, send_id);
