-- A talk's title in German (issue 11).  Migration 005 kept talk titles
-- single (a talk keeps the title its speaker gave it); a talk given in
-- English may still have an official German title, as the programme's
-- sessions do (title_de, migration 007).  Empty: the German pages show the
-- English title marked lang="en" (lib/db.c, l10n and l10n_lang); nothing
-- is ever translated for the admin.
ALTER TABLE presentation ADD COLUMN title_de TEXT NOT NULL DEFAULT '';

-- The search finds the German title too, in the row's body as migration
-- 005 did for the other German texts.  Existing rows need no new entry:
-- their German titles are still empty.
DROP TRIGGER search_talk_ins;
DROP TRIGGER search_talk_upd;
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
