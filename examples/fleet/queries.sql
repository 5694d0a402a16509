-- Fleet questions over `pcilu check --json-lines` files (schema pcilu-fleet/1,
-- docs/json.md). Views made by query.mjs (or by hand, see README.md):
--   devices  every judged endpoint of every host (one JSON object per line)
--   hosts    host -> board model (from the capture's DMI, or any inventory)
--   before   the same devices from an earlier run, for the last question

-- name: preservable fraction per board model and device class
SELECT h.board,
       substr(d.class, 1, 2) AS class,
       count(*) AS endpoints,
       count(*) FILTER (WHERE d.verdicts.v4.state = 'eligible') AS v4,
       round(100.0 * count(*) FILTER (WHERE d.verdicts.v4.state = 'eligible') / count(*), 1) AS v4_pct,
       count(*) FILTER (WHERE d.verdicts.next.state = 'eligible') AS next,
       round(100.0 * count(*) FILTER (WHERE d.verdicts.next.state = 'eligible') / count(*), 1) AS next_pct
FROM devices d JOIN hosts h ON h.host = d.source.name
GROUP BY ALL ORDER BY h.board, class;

-- name: top refusal reasons under v4 (rule codes, never English)
SELECT rule, count(*) AS devices, count(DISTINCT host) AS hosts
FROM (SELECT unnest(d.verdicts.v4.rules) AS rule, d.source.name AS host FROM devices d)
GROUP BY rule ORDER BY devices DESC;

-- name: root-port and switch models that break isolation (v4)
SELECT d.verdicts.v4.bridge.id AS model, d.verdicts.v4.bridge.type AS type,
       count(*) AS devices_stopped, count(DISTINCT d.source.name) AS hosts
FROM devices d WHERE d.verdicts.v4.bridge IS NOT NULL
GROUP BY ALL ORDER BY devices_stopped DESC;

-- name: hosts whose verdicts changed since the earlier run
SELECT a.source.name AS host, count(*) AS devices_changed,
       count(*) FILTER (WHERE b.verdicts.v4.state = 'eligible' AND a.verdicts.v4.state <> 'eligible') AS v4_lost
FROM devices a JOIN before b ON a.source.name = b.source.name AND a.bdf = b.bdf
WHERE a.verdicts.v4.state <> b.verdicts.v4.state OR a.verdicts.next.state <> b.verdicts.next.state
   OR a.verdicts.iommufd.state <> b.verdicts.iommufd.state
GROUP BY host ORDER BY host;
