-- An editor can move someone up the waiting list with a recorded reason: moved people come first, in the order moved.
ALTER TABLE event_bookings ADD COLUMN moved_up_at timestamptz;
CREATE INDEX event_bookings_queue ON event_bookings (event_id, moved_up_at, id) WHERE status = 'waitlisted';
