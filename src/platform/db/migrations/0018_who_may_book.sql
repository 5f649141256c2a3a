-- Who may book an event: anyone signed in, members of named mailing lists, people of named organisations, or by invitation.
ALTER TABLE events ADD COLUMN booking_lists jsonb NOT NULL DEFAULT '[]';
ALTER TABLE events ADD COLUMN booking_organisations jsonb NOT NULL DEFAULT '[]';
ALTER TABLE events DROP CONSTRAINT events_who_may_book_check;
ALTER TABLE events ADD CONSTRAINT events_who_may_book_check CHECK (who_may_book IN ('signed-in', 'lists', 'organisations', 'invitation'));
