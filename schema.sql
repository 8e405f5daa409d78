-- The symposium site's database: version 1 plus schema/migrations/.
--
-- Conventions: dates are ISO 8601 text ('2023-12-05'); times are Unix
-- seconds; long texts are kept twice, as the Markdown an admin writes
-- (*_md) and as the HTML lib/md.c made of it (*_html, CommonMark with raw
-- HTML refused) - the only HTML the templates print unescaped.
-- Rows that an admin deletes get deleted_at set (the trash) and are left
-- out of every public query until restored or purged.

PRAGMA foreign_keys = ON;

-- One row: what every page shows around the edition.
CREATE TABLE site (
	id              INTEGER PRIMARY KEY CHECK (id = 1),
	name            TEXT NOT NULL,              -- 'DigiMed Bayern Symposium'
	background_md   TEXT NOT NULL DEFAULT '',   -- about the programme
	background_html TEXT NOT NULL DEFAULT '',
	contact_name    TEXT NOT NULL DEFAULT '',
	contact_role    TEXT NOT NULL DEFAULT '',
	contact_phone   TEXT NOT NULL DEFAULT '',
	contact_email   TEXT NOT NULL DEFAULT '',
	imprint_md      TEXT NOT NULL DEFAULT '',
	imprint_html    TEXT NOT NULL DEFAULT '',
	privacy_md      TEXT NOT NULL DEFAULT '',
	privacy_html    TEXT NOT NULL DEFAULT '',
	changed_at      INTEGER NOT NULL,           -- last change anywhere: Last-Modified
	press_name      TEXT NOT NULL DEFAULT '',   -- the press pages' contact
	press_email     TEXT NOT NULL DEFAULT '',
	press_phone     TEXT NOT NULL DEFAULT '',
	home_year       INTEGER,                    -- the edition / shows; NULL: the newest published
	-- German versions (empty: the English text is shown, marked lang="en")
	background_de_md   TEXT NOT NULL DEFAULT '',
	background_de_html TEXT NOT NULL DEFAULT '',
	contact_role_de    TEXT NOT NULL DEFAULT '',
	imprint_de_md      TEXT NOT NULL DEFAULT '',
	imprint_de_html    TEXT NOT NULL DEFAULT '',
	privacy_de_md      TEXT NOT NULL DEFAULT '',
	privacy_de_html    TEXT NOT NULL DEFAULT '',
	base_url           TEXT NOT NULL DEFAULT '', -- public base URL, lib/url.h; '': not configured
	settings_changed_at INTEGER                  -- these settings' last change: every page shows them
);

CREATE TABLE edition (
	id          INTEGER PRIMARY KEY,
	year        INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 1900 AND 9999),
	title       TEXT NOT NULL,
	starts      TEXT,                          -- NULL: date not announced yet
	ends        TEXT,                          -- NULL: one day
	venue       TEXT NOT NULL DEFAULT '',      -- 'TranslaTUM' or 'Online'
	address     TEXT NOT NULL DEFAULT '',
	headline    TEXT NOT NULL DEFAULT '',      -- the motto, 'Big Data - Big Outcome?'
	summary     TEXT NOT NULL DEFAULT '',      -- one plain sentence for lists and <meta>
	review_md   TEXT NOT NULL DEFAULT '',
	review_html TEXT NOT NULL DEFAULT '',
	next_md     TEXT NOT NULL DEFAULT '',      -- note on the next edition
	next_html   TEXT NOT NULL DEFAULT '',
	published   INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
	-- One press photo for both languages, picked from the gallery, and its
	-- credit (each release has its own caption); the cover, from the gallery.
	press_photo_id INTEGER REFERENCES photo(id) ON DELETE SET NULL,
	press_credit   TEXT NOT NULL DEFAULT '',
	cover_photo_id INTEGER REFERENCES photo(id) ON DELETE SET NULL,
	-- German versions (empty: the English text is shown, marked lang="en");
	-- title, venue and address are names and stay single
	headline_de    TEXT NOT NULL DEFAULT '',
	summary_de     TEXT NOT NULL DEFAULT '',
	review_de_md   TEXT NOT NULL DEFAULT '',
	review_de_html TEXT NOT NULL DEFAULT '',
	next_de_md     TEXT NOT NULL DEFAULT '',
	next_de_html   TEXT NOT NULL DEFAULT '',
	-- its last public change: its pages' lastmod (NULL: site.settings_changed_at)
	changed_at     INTEGER
);

-- Every stored file: named by the SHA-256 of its content, never by anything
-- a client sent.  path is relative to the media root (served as /media/).
CREATE TABLE media (
	id         INTEGER PRIMARY KEY,
	sha256     TEXT NOT NULL UNIQUE,
	path       TEXT NOT NULL UNIQUE,           -- 'ab/ab12...ef.pdf'
	mime       TEXT NOT NULL,                  -- 'application/pdf', 'image/jpeg'
	bytes      INTEGER NOT NULL CHECK (bytes >= 0),
	pages      INTEGER,                        -- PDFs
	width      INTEGER,                        -- images
	height     INTEGER,
	created_at INTEGER NOT NULL
);

CREATE TABLE photo (
	id         INTEGER PRIMARY KEY,
	edition_id INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	in_gallery INTEGER NOT NULL DEFAULT 1 CHECK (in_gallery IN (0, 1)),  -- 0: press photo only
	published  INTEGER NOT NULL DEFAULT 1 CHECK (published IN (0, 1)),
	thumb_id   INTEGER NOT NULL REFERENCES media(id),   -- small, for the grid
	web_id     INTEGER NOT NULL REFERENCES media(id),   -- large, linked from it
	alt        TEXT NOT NULL DEFAULT '',
	decorative INTEGER NOT NULL DEFAULT 0 CHECK (decorative IN (0, 1)),
	caption    TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	deleted_at INTEGER,
	orig_id    INTEGER REFERENCES media(id),   -- full resolution, no metadata; NULL: older photos
	alt_de     TEXT NOT NULL DEFAULT '',       -- German; empty: alt is shown, marked lang="en"
	caption_de TEXT NOT NULL DEFAULT '',
	share_id   INTEGER REFERENCES media(id),   -- 1200x630 share preview (lib/share.c); NULL: none yet
	CHECK (decorative = 1 OR alt <> '')
);
CREATE INDEX photo_order ON photo(edition_id, position);

-- Uploaded photos "to describe": never public; each becomes a gallery
-- photo together with its alt text (or the decorative mark).
CREATE TABLE photo_draft (
	id         INTEGER PRIMARY KEY,
	edition_id INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	thumb_id   INTEGER NOT NULL REFERENCES media(id),
	web_id     INTEGER NOT NULL REFERENCES media(id),
	orig_id    INTEGER NOT NULL REFERENCES media(id),
	name       TEXT NOT NULL DEFAULT '',       -- the uploader's file name, shown only
	created_at INTEGER NOT NULL
);
CREATE INDEX photo_draft_edition ON photo_draft(edition_id, id);

CREATE TABLE press (
	id            INTEGER PRIMARY KEY,
	edition_id    INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	lang          TEXT NOT NULL CHECK (lang IN ('en', 'de')),
	released      TEXT NOT NULL,               -- date of the release
	title         TEXT NOT NULL,
	subtitle      TEXT NOT NULL DEFAULT '',
	body_md       TEXT NOT NULL DEFAULT '',
	body_html     TEXT NOT NULL DEFAULT '',
	photo_id      INTEGER REFERENCES photo(id) ON DELETE SET NULL,  -- version 1; now edition.press_photo_id
	photo_caption TEXT NOT NULL DEFAULT '',    -- the press photo's caption in this language
	photo_credit  TEXT NOT NULL DEFAULT '',    -- version 1; now edition.press_credit
	-- draft, published, or scheduled: public from publish_at (Unix seconds) on
	state         TEXT NOT NULL DEFAULT 'published'
		CHECK (state IN ('draft', 'published', 'scheduled')),
	publish_at    INTEGER CHECK (publish_at IS NULL OR publish_at >= 0),
	UNIQUE (edition_id, lang)
);

-- A talk's slides.  slug is fixed when the talk is created: the public file
-- /media/talks/YEAR-SLUG.pdf stays the same when the PDF is replaced.
CREATE TABLE presentation (
	id          INTEGER PRIMARY KEY,
	edition_id  INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	slug        TEXT NOT NULL CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
	title       TEXT NOT NULL,
	speakers    TEXT NOT NULL,
	affiliation TEXT NOT NULL DEFAULT '',
	media_id    INTEGER REFERENCES media(id),  -- NULL: no slides
	created_at  INTEGER NOT NULL,
	deleted_at  INTEGER,
	title_de    TEXT NOT NULL DEFAULT '',       -- German; empty: title is shown, marked lang="en"
	UNIQUE (edition_id, slug)
);
CREATE INDEX presentation_order ON presentation(edition_id, position);

CREATE TABLE video (
	id         INTEGER PRIMARY KEY,
	edition_id INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	title      TEXT NOT NULL,
	url        TEXT NOT NULL CHECK (url GLOB 'https://*'),
	created_at INTEGER NOT NULL,
	deleted_at INTEGER,
	title_de   TEXT NOT NULL DEFAULT ''        -- German; empty: title is shown, marked lang="en"
);
CREATE INDEX video_order ON video(edition_id, position);

-- The programme (times: Unix seconds, entered and shown in Europe/Berlin)
-- and the registration of an edition (migration 007).
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

-- Administration.
CREATE TABLE admin (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	pwhash     TEXT NOT NULL,                  -- crypto_pwhash_str (argon2id)
	created_at INTEGER NOT NULL
);

CREATE TABLE session (
	id_hash    BLOB PRIMARY KEY,               -- hash of the cookie's id; the id itself is never stored
	admin_id   INTEGER NOT NULL REFERENCES admin(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL
);

CREATE TABLE login_failure (
	at   INTEGER NOT NULL,
	addr TEXT NOT NULL,
	name TEXT NOT NULL
);
CREATE INDEX login_failure_addr ON login_failure(addr, at);
CREATE INDEX login_failure_name ON login_failure(name, at);

CREATE TABLE audit (
	id     INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL,
	admin  TEXT NOT NULL,
	action TEXT NOT NULL,                      -- 'create', 'update', 'delete', 'restore', ...
	object TEXT NOT NULL,                      -- 'presentation 12'
	detail TEXT NOT NULL DEFAULT '',
	title  TEXT                                -- the item's title then; NULL: not kept (older rows)
);

-- The archive's search (/search): one FTS5 index over the text of every
-- edition, press release, talk, photo and video, kept by triggers, so that
-- no writer has to remember it.  A row's id in the index says what it is:
-- rowid = item id * 8 + kind (1 edition, 2 press, 3 talk, 4 photo,
-- 5 video), so a change finds its row by rowid, never by a scan.  Whether
-- a hit may be shown (published, not in the trash) is decided when
-- searching, from the tables themselves (lib/db.c, db_search).
CREATE VIRTUAL TABLE search_index USING fts5(title, body,
	tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER search_edition_ins AFTER INSERT ON edition BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 1, new.title,
		new.headline || ' ' || new.summary || ' ' || new.venue || ' ' || new.address || ' ' || new.review_md
		|| ' ' || new.headline_de || ' ' || new.summary_de || ' ' || new.review_de_md);
END;
CREATE TRIGGER search_edition_upd AFTER UPDATE OF title, headline, summary, venue, address, review_md,
	headline_de, summary_de, review_de_md ON edition BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 1, new.title,
		new.headline || ' ' || new.summary || ' ' || new.venue || ' ' || new.address || ' ' || new.review_md
		|| ' ' || new.headline_de || ' ' || new.summary_de || ' ' || new.review_de_md);
END;
CREATE TRIGGER search_edition_del AFTER DELETE ON edition BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

CREATE TRIGGER search_press_ins AFTER INSERT ON press BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 2, new.title,
		new.subtitle || ' ' || new.body_md || ' ' || new.photo_caption);
END;
CREATE TRIGGER search_press_upd AFTER UPDATE OF title, subtitle, body_md, photo_caption ON press BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 2, new.title,
		new.subtitle || ' ' || new.body_md || ' ' || new.photo_caption);
END;
CREATE TRIGGER search_press_del AFTER DELETE ON press BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

CREATE TRIGGER search_talk_ins AFTER INSERT ON presentation BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 3, new.title,
		new.speakers || ' ' || new.affiliation || ' ' || new.title_de);
END;
CREATE TRIGGER search_talk_upd AFTER UPDATE OF title, speakers, affiliation, title_de
	ON presentation BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 3, new.title,
		new.speakers || ' ' || new.affiliation || ' ' || new.title_de);
END;
CREATE TRIGGER search_talk_del AFTER DELETE ON presentation BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER search_photo_ins AFTER INSERT ON photo BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit || ' ' || new.caption_de || ' ' || new.alt_de);
END;
CREATE TRIGGER search_photo_upd AFTER UPDATE OF caption, alt, credit, caption_de, alt_de ON photo BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit || ' ' || new.caption_de || ' ' || new.alt_de);
END;
CREATE TRIGGER search_photo_del AFTER DELETE ON photo BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER search_video_ins AFTER INSERT ON video BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		new.title_de);
END;
CREATE TRIGGER search_video_upd AFTER UPDATE OF title, title_de ON video BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		new.title_de);
END;
CREATE TRIGGER search_video_del AFTER DELETE ON video BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

PRAGMA user_version = 11;
