-- The city office's search dictionary: `user_words` (terms the segmenter keeps whole) and
-- `synonyms` (replaces the built-in synonym list). Absent rows mean the built-in defaults.
CREATE TABLE search_dictionary (
    name TEXT PRIMARY KEY,
    content TEXT NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
