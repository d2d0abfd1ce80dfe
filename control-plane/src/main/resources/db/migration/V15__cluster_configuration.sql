-- What a cluster carries besides its name and status, as one JSON body: its tags, its settings (containerInsights)
-- and its capacity providers with their default strategy. NULL for a cluster created before: no tags, no settings.

ALTER TABLE clusters ADD COLUMN configuration TEXT;
