-- Catalog pages filtered by genre or topic read the newest first: with the order in the index,
-- a page is a range scan instead of a sort of every matching item.
CREATE INDEX items_genre_published ON items (genre, status, published_ms DESC);
CREATE INDEX items_topic_published ON items (topic, status, published_ms DESC);
