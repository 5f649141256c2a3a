-- The job role a person had when they booked, for an event's numbers per job role (as organisation_name is kept).
ALTER TABLE event_bookings ADD COLUMN job_role text;
UPDATE event_bookings b SET job_role = p.job_role FROM people p WHERE p.id = b.person_id;
