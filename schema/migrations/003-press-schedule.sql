-- Press releases are a draft, published, or scheduled: public from
-- publish_at (Unix seconds; the admin enters it in Europe/Berlin) on,
-- without anyone logged in.  Releases of the first release stay published.
-- The home page shows the edition the admin chose (site.home_year), or the
-- newest published one when that is NULL or not published.
ALTER TABLE press ADD COLUMN state TEXT NOT NULL DEFAULT 'published'
	CHECK (state IN ('draft', 'published', 'scheduled'));
ALTER TABLE press ADD COLUMN publish_at INTEGER
	CHECK (publish_at IS NULL OR publish_at >= 0);
ALTER TABLE site ADD COLUMN home_year INTEGER;
