-- Each edition's time of its last public change (issue 11): the sitemap's
-- lastmod of its pages, the press release's JSON-LD dateModified, the
-- feed's updated.  The admin sets it in the transaction of the change it
-- records (cgi-bin/admin_serve.c, admin_commit), and not for what the
-- public does not see yet (a photo still to describe, a draft or a release
-- scheduled for later: its publication time counts once it has come).
-- NULL (not changed since the site was made): the settings' time below
-- stands for it.
ALTER TABLE edition ADD COLUMN changed_at INTEGER;
UPDATE edition SET changed_at = (SELECT changed_at FROM site WHERE id = 1);
-- The site settings' last change (name, imprint, privacy, base URL): they
-- show on every page, so every page's time is at least this.  A new site
-- sets it when it is made.
ALTER TABLE site ADD COLUMN settings_changed_at INTEGER;
UPDATE site SET settings_changed_at = changed_at;
