-- Events: limited places taken under the capacity adapter's row lock on events, a waiting list, offers that expire.

CREATE TABLE events (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  audience text NOT NULL DEFAULT '',
  venue_name text,
  venue_room text,
  venue_address text,
  venue_postcode text,
  travel_notes text,
  accessibility text,
  online_url text,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  capacity integer CHECK (capacity IS NULL OR capacity >= 0),
  booking_opens timestamptz,
  booking_closes timestamptz,
  who_may_book text NOT NULL DEFAULT 'signed-in' CHECK (who_may_book IN ('signed-in', 'invitation')),
  offer_hours integer NOT NULL DEFAULT 48 CHECK (offer_hours > 0),
  contact_email text,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX events_slug_key ON events (slug);
CREATE INDEX events_starts_at ON events (starts_at);

CREATE TABLE event_bookings (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  person_id integer REFERENCES people (id) ON DELETE SET NULL,
  email text NOT NULL,
  name text NOT NULL,
  organisation_name text,
  status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'offered', 'cancelled', 'declined', 'expired')),
  offer_expires_at timestamptz,
  booked_by text NOT NULL,
  token text NOT NULL,
  sequence integer NOT NULL DEFAULT 0,
  answers jsonb NOT NULL DEFAULT '{}',
  reason text,
  checked_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One live booking per person per event; a cancelled one may be followed by a new one.
CREATE UNIQUE INDEX event_bookings_live_key ON event_bookings (event_id, lower(email))
  WHERE status IN ('confirmed', 'waitlisted', 'offered');
CREATE UNIQUE INDEX event_bookings_token_key ON event_bookings (token);
CREATE INDEX event_bookings_event_status ON event_bookings (event_id, status, id);
