-- German versions of the texts admins write (issue 11): where one is
-- empty, the public pages show the English text marked lang="en"
-- (lib/db.c, l10n and l10n_lang).  Names and proper nouns stay single:
-- the site's name, an edition's title, venue and address, credits, talk
-- titles, speakers and affiliations (a talk keeps the title its speaker
-- gave it, in the language it was given in).
ALTER TABLE site ADD COLUMN background_de_md TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN background_de_html TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN contact_role_de TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN imprint_de_md TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN imprint_de_html TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN privacy_de_md TEXT NOT NULL DEFAULT '';
ALTER TABLE site ADD COLUMN privacy_de_html TEXT NOT NULL DEFAULT '';

ALTER TABLE edition ADD COLUMN headline_de TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN summary_de TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN review_de_md TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN review_de_html TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN next_de_md TEXT NOT NULL DEFAULT '';
ALTER TABLE edition ADD COLUMN next_de_html TEXT NOT NULL DEFAULT '';

ALTER TABLE photo ADD COLUMN alt_de TEXT NOT NULL DEFAULT '';
ALTER TABLE photo ADD COLUMN caption_de TEXT NOT NULL DEFAULT '';

ALTER TABLE video ADD COLUMN title_de TEXT NOT NULL DEFAULT '';

-- The search finds the German texts too: the triggers of the three tables
-- index them in the row's body.  Existing rows need no new entry, their
-- German texts are still empty.
DROP TRIGGER search_edition_ins;
DROP TRIGGER search_edition_upd;
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

DROP TRIGGER search_photo_ins;
DROP TRIGGER search_photo_upd;
CREATE TRIGGER search_photo_ins AFTER INSERT ON photo BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit || ' ' || new.caption_de || ' ' || new.alt_de);
END;
CREATE TRIGGER search_photo_upd AFTER UPDATE OF caption, alt, credit, caption_de, alt_de ON photo BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit || ' ' || new.caption_de || ' ' || new.alt_de);
END;

DROP TRIGGER search_video_ins;
DROP TRIGGER search_video_upd;
CREATE TRIGGER search_video_ins AFTER INSERT ON video BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		new.title_de);
END;
CREATE TRIGGER search_video_upd AFTER UPDATE OF title, title_de ON video BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		new.title_de);
END;
