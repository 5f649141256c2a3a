-- An editor can move someone to the front of the waiting list with a recorded reason: the last one moved comes first.
ALTER TABLE event_bookings ADD COLUMN moved_up_at timestamptz;
ALTER TABLE event_bookings ADD COLUMN moved_up_reason text;
CREATE INDEX event_bookings_queue ON event_bookings (event_id, moved_up_at, id) WHERE status = 'waitlisted';
