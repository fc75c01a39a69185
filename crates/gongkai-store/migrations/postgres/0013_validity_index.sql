-- The catalog's validity filter (有效性) newest first, and its count, from one index: without
-- it the database walked every published item to find the repealed ones (0.35 s per count and
-- up to 0.4 s per page at 100,000 items; the index answers both in well under a millisecond).
CREATE INDEX items_validity_newest ON items (validity, status, published_ms DESC, id DESC);
