-- Photos in bulk and the press kit (issue 9).
--
-- Uploaded photos first wait in photo_draft, "to describe": a row there is
-- never public, and it becomes a gallery photo only together with its alt
-- text (or the decorative mark), so photo's CHECK stays as it is.
CREATE TABLE photo_draft (
	id         INTEGER PRIMARY KEY,
	edition_id INTEGER NOT NULL REFERENCES edition(id) ON DELETE CASCADE,
	thumb_id   INTEGER NOT NULL REFERENCES media(id),
	web_id     INTEGER NOT NULL REFERENCES media(id),
	orig_id    INTEGER NOT NULL REFERENCES media(id),
	name       TEXT NOT NULL DEFAULT '',       -- the file's name on the uploader's computer, shown only
	created_at INTEGER NOT NULL
);
CREATE INDEX photo_draft_edition ON photo_draft(edition_id, id);

-- The full resolution, metadata stripped (the press photo's download);
-- NULL for photos imported before it was kept.
ALTER TABLE photo ADD COLUMN orig_id INTEGER REFERENCES media(id);

-- One press photo for both languages, picked from the gallery, and its
-- credit; each release keeps its own caption (press.photo_caption).  The
-- edition's cover, also from the gallery.  press.photo_id and
-- press.photo_credit are no longer used.
ALTER TABLE edition ADD COLUMN press_photo_id INTEGER REFERENCES photo(id) ON DELETE SET NULL;
ALTER TABLE edition ADD COLUMN press_credit TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN cover_photo_id INTEGER REFERENCES photo(id) ON DELETE SET NULL;

-- The press contact on the press pages; starts as the site's contact.
ALTER TABLE site ADD COLUMN press_name TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN press_email TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN press_phone TEXT NOT NULL DEFAULT '';

-- Each language's own photo becomes the edition's (English first), with
-- the credit shown until now: the release's own, else the photo's.
UPDATE edition SET
	press_photo_id = (SELECT p.photo_id FROM press p WHERE p.edition_id = edition.id
		AND p.photo_id IS NOT NULL ORDER BY p.lang = 'en' DESC LIMIT 1),
	press_credit = coalesce((SELECT coalesce(nullif(p.photo_credit, ''), f.credit)
		FROM press p JOIN photo f ON f.id = p.photo_id WHERE p.edition_id = edition.id
		ORDER BY p.lang = 'en' DESC LIMIT 1), '');
UPDATE site SET press_name = contact_name, press_email = contact_email,
	press_phone = contact_phone;
