-- Key areas by item: the key-area facet counts the areas of the few items not public and
-- subtracts them from the totals, instead of reading every item's row (2.2 s at 1M items).
CREATE INDEX item_key_areas_item ON item_key_areas (item_id, key_area);
