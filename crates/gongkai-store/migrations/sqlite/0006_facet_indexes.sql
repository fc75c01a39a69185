-- Covering indexes for the catalog's facet counts (GROUP BY over published items): without them
-- every portal page that shows counts reads every published row, body text included.
CREATE INDEX items_status_topic ON items (status, topic);
CREATE INDEX items_status_genre ON items (status, genre);
CREATE INDEX items_status_body ON items (status, body_id);
CREATE INDEX items_status_pubdate ON items (status, published_on);
DROP INDEX IF EXISTS items_topic;
DROP INDEX IF EXISTS items_genre;
