-- The map of complaints counts the reports of a period that name an area (labels.rs). With
-- only `reports_area` (on the area), SQLite's planner walked every report of the period by
-- the public listing's index: 2.5-3 s over three years at a million reports. This index
-- holds just the reports with an area, by when they were received.
create index reports_area_received on reports(received_at) where area <> '';
