-- The questions an event asks at booking (dietary needs, access needs, an editor's own), in order; answers are on the booking.
ALTER TABLE events ADD COLUMN questions jsonb NOT NULL DEFAULT '[]';
