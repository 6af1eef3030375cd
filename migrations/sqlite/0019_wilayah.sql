-- The whole country (wilayah.rs): a government's Kemendagri area code (`63.71` Kota
-- Banjarmasin), given when the system admin loads the country's provinces, regencies and
-- cities, and the kecamatan or kelurahan a report names (`63.71.04.1005`), checked against the
-- same shipped data. Both optional: an organisation the admin made by hand, and a report
-- that names no place, have none.
alter table organizations add column area_code text;
create unique index organizations_area_code on organizations(area_code) where area_code is not null;
alter table reports add column place_code text;
