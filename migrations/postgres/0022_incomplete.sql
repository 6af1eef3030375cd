-- Reports archived as incomplete in the figures (figures/store/rollup.rs): a counter per cell
-- of the running sums, so that the figures show per region the share archived as too general
-- before and after the form's completeness checks, which this deployment has from the moment
-- of this migration on (`settings.completeness_since`, seconds since 1970). The sums are
-- emptied so that the server rebuilds them at start with the new counter.
alter table figure_cells add column incomplete bigint not null default 0;
alter table report_figures add column incomplete bigint not null default 0;
insert into settings (key, value) values ('completeness_since', cast(cast(extract(epoch from now()) as bigint) as text));
delete from report_figures;
