-- Share previews (issue 11): the 1200x630 crop of a photo that Open Graph
-- and Twitter cards show, made once when the photo becomes an edition's
-- cover or press photo (lib/share.c); NULL until then.  Public exactly
-- while the photo is shown as cover or press photo (lib/db_links.c).
ALTER TABLE photo ADD COLUMN share_id INTEGER REFERENCES media(id);
