-- The support offer an episode's help was part of becomes part of the episode: named when it is logged,
-- changed by an edit like any other field, and so kept with each version (the history shows when an
-- offer was named or corrected). `episodes.offer_id` stays as the current version's offer, like
-- `occurred_at` and `outcome`, for the offer's minutes and cost without reading every version.
ALTER TABLE episode_versions ADD COLUMN offer_id TEXT REFERENCES support_offers (id);

-- Offers named before this by a separate write are the current version's: earlier versions were written
-- before the episode named one (that naming is in the audit trail as `episode.offer`).
UPDATE episode_versions SET offer_id = (
    SELECT e.offer_id FROM episodes e
    WHERE e.id = episode_versions.episode_id AND e.current_version = episode_versions.version
)
WHERE EXISTS (
    SELECT 1 FROM episodes e
    WHERE e.id = episode_versions.episode_id AND e.current_version = episode_versions.version
      AND e.offer_id IS NOT NULL
);
