-- The site's public base URL ("https://symposium.example", no trailing
-- slash; lib/url.h keeps it in that form): the public pages' absolute
-- addresses (canonical, hreflang) start with it.  '' means not configured:
-- the pages then carry no canonical link.
ALTER TABLE site ADD COLUMN base_url TEXT NOT NULL DEFAULT '';
