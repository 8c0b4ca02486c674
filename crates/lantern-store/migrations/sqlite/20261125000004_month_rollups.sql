-- The same tallies as episode_rollups per practice × UK calendar month (`2026-03`), kept exact in the
-- same transactions, so that a quarter or a year reads a few month rows per key instead of every day.
CREATE TABLE episode_rollups_monthly (
    practice   TEXT NOT NULL,
    month      TEXT NOT NULL,
    dimension  TEXT NOT NULL,
    key        TEXT NOT NULL,
    episodes   BIGINT NOT NULL,
    minutes    BIGINT NOT NULL,
    PRIMARY KEY (practice, month, dimension, key)
);

-- Existing databases start from their day rollups.
INSERT INTO episode_rollups_monthly (practice, month, dimension, key, episodes, minutes)
SELECT practice, SUBSTR(day, 1, 7), dimension, key, CAST(SUM(episodes) AS BIGINT), CAST(SUM(minutes) AS BIGINT)
FROM episode_rollups
GROUP BY practice, SUBSTR(day, 1, 7), dimension, key
HAVING SUM(episodes) <> 0 OR SUM(minutes) <> 0;

-- Walking every practice's episodes in time order (the CSV export, and the rollup check and rebuild)
-- reads pages by (occurred_at, id); without this index each page sorted the whole table.
CREATE INDEX episodes_time ON episodes (occurred_at, id);
