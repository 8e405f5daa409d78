-- The programme and the registration of an edition (issue 11).
--
-- Times are Unix seconds (UTC).  The admin enters them, and the pages show
-- them, in Europe/Berlin (lib/when.h converts, with the system's tzdata);
-- storing the instant keeps "what time is it now" comparisons (registration
-- open?) and the calendar files (RFC 5545) free of any zone arithmetic in
-- SQL.  A session may link the talk (slides) and the video of its edition;
-- when those go for good, the link goes.  deleted_at: the trash, as for
-- talks and videos.
CREATE TABLE programme_session (
	id              INTEGER PRIMARY KEY,
	edition_id      INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	starts_at       INTEGER NOT NULL CHECK (starts_at >= 0),
	ends_at         INTEGER NOT NULL CHECK (ends_at > starts_at),
	title           TEXT NOT NULL,
	title_de        TEXT NOT NULL DEFAULT '',
	speakers        TEXT NOT NULL DEFAULT '',
	room            TEXT NOT NULL DEFAULT '',
	presentation_id INTEGER REFERENCES presentation(id) ON DELETE SET NULL,
	video_id        INTEGER REFERENCES video(id) ON DELETE SET NULL,
	created_at      INTEGER NOT NULL,
	deleted_at      INTEGER
);
CREATE INDEX programme_session_order ON programme_session(edition_id, starts_at);

-- One registration per edition: where visitors register (http or https
-- only) and from when until when.  Either time may be NULL: open from the
-- start, or until the edition.
CREATE TABLE registration (
	edition_id INTEGER PRIMARY KEY REFERENCES edition(id) ON DELETE CASCADE,
	url        TEXT NOT NULL CHECK (url GLOB 'http://*' OR url GLOB 'https://*'),
	opens_at   INTEGER,
	closes_at  INTEGER CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at)
);
