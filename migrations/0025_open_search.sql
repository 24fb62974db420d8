-- The open catalog (000 第四章) searched, counted and paged in SQL: the portal's list and CKAN's
-- package_search read the version in force of every published entry that is open. This index
-- holds those versions alone, so that a search without words reads the open catalog, not every
-- version of every entry; a search with words keeps using the search documents' GIN index.
CREATE INDEX catalog_versions_open_idx ON catalog_versions (entry_id, version)
  WHERE status = 'published' AND open_attr IN ('unconditional', 'conditional');
