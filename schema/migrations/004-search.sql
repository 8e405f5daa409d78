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
		new.headline || ' ' || new.summary || ' ' || new.venue || ' ' || new.address || ' ' || new.review_md);
END;
CREATE TRIGGER search_edition_upd AFTER UPDATE OF title, headline, summary, venue, address, review_md ON edition BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 1, new.title,
		new.headline || ' ' || new.summary || ' ' || new.venue || ' ' || new.address || ' ' || new.review_md);
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
		new.speakers || ' ' || new.affiliation);
END;
CREATE TRIGGER search_talk_upd AFTER UPDATE OF title, speakers, affiliation ON presentation BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 3, new.title,
		new.speakers || ' ' || new.affiliation);
END;
CREATE TRIGGER search_talk_del AFTER DELETE ON presentation BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

CREATE TRIGGER search_photo_ins AFTER INSERT ON photo BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit);
END;
CREATE TRIGGER search_photo_upd AFTER UPDATE OF caption, alt, credit ON photo BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 4, new.caption,
		new.alt || ' ' || new.credit);
END;
CREATE TRIGGER search_photo_del AFTER DELETE ON photo BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;

CREATE TRIGGER search_video_ins AFTER INSERT ON video BEGIN
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		'');
END;
CREATE TRIGGER search_video_upd AFTER UPDATE OF title ON video BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
	INSERT INTO search_index (rowid, title, body) VALUES (new.id * 8 + 5, new.title,
		'');
END;
CREATE TRIGGER search_video_del AFTER DELETE ON video BEGIN
	DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

-- What a site already holds.
INSERT INTO search_index (rowid, title, body)
	SELECT id * 8 + 1, title, headline || ' ' || summary || ' ' || venue || ' ' || address || ' ' || review_md FROM edition;
INSERT INTO search_index (rowid, title, body)
	SELECT id * 8 + 2, title, subtitle || ' ' || body_md || ' ' || photo_caption FROM press;
INSERT INTO search_index (rowid, title, body)
	SELECT id * 8 + 3, title, speakers || ' ' || affiliation FROM presentation;
INSERT INTO search_index (rowid, title, body)
	SELECT id * 8 + 4, caption, alt || ' ' || credit FROM photo;
INSERT INTO search_index (rowid, title, body)
	SELECT id * 8 + 5, title, '' FROM video;
