-- An audit row keeps the title its item had when the row was written:
-- item ids are reused after a purge (the tables have no AUTOINCREMENT),
-- so looking the title up later could name another item.  NULL: a row of
-- an earlier release, whose title is still looked up when shown; '' when
-- the object names no item with a title.
ALTER TABLE audit ADD COLUMN title TEXT;
