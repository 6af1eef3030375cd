//! Keterhubungan and admin activity, two of the figures the ministry evaluates regions by
//! ("dari 10 Kabupaten/Kota di Kaltim, baru 8 Kabupaten/Kota yang terhubung").
//!
//! A government is *connected* (terhubung) when it has an active coordinator account and
//! every one of its OPDs has at least one active OPD admin: only then can a report reach
//! someone who answers it. *Activity* is how many of its officials (its own and its OPDs')
//! signed in or used lapor during the last [`ACTIVE_DAYS`] days. Both are counts: who exactly
//! is never shown to the public.

use crate::orgs::OrgKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An official counts as active who signed in or used lapor within this many days.
pub const ACTIVE_DAYS: i64 = 30;

/// One organisation with its staffing, as the store reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staffing {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub name: String,
    /// Its Kemendagri area code, for a government loaded with the country's data.
    pub area_code: Option<String>,
    /// Active coordinator accounts.
    pub coordinators: i64,
    /// Active OPD admin accounts.
    pub opd_admins: i64,
    /// Active officials of any role, and those of them active within [`ACTIVE_DAYS`].
    pub officials: i64,
    pub active_officials: i64,
}

/// A government's line: connected or not, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionLink {
    pub org_id: i64,
    pub name: String,
    /// Its Kemendagri area code (`64.72`), when it has one.
    pub area_code: Option<String>,
    pub kind: OrgKind,
    pub connected: bool,
    /// Whether it has an active coordinator.
    pub coordinator: bool,
    pub opds: i64,
    /// Its OPDs without an active OPD admin, by name.
    pub opds_without_admin: Vec<String>,
    /// Its officials and its OPDs', and how many were active within [`ACTIVE_DAYS`].
    pub officials: i64,
    pub active_officials: i64,
}

/// A province: its own line, and how many of its regencies and cities are connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvinceLinks {
    pub province: RegionLink,
    /// Regencies and cities connected, of all.
    pub connected: i64,
    pub total: i64,
    pub regions: Vec<RegionLink>,
}

/// Every government's line, keyed by id, and the provinces with their regions, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connectedness {
    pub provinces: Vec<ProvinceLinks>,
    /// Governments that are neither a province nor under one (ministries).
    pub others: Vec<RegionLink>,
}

impl Connectedness {
    /// Every government's line.
    pub fn lines(&self) -> impl Iterator<Item = &RegionLink> {
        self.provinces
            .iter()
            .flat_map(|p| std::iter::once(&p.province).chain(p.regions.iter()))
            .chain(self.others.iter())
    }

    /// Only what lies within organisation `org` (a province keeps its line; a regency or
    /// city keeps its province's with only itself below), or everything for `None` or the
    /// national organisation.
    pub fn within(mut self, org: Option<i64>) -> Connectedness {
        let Some(org) = org else { return self };
        if self.lines().all(|l| l.org_id != org) {
            return self;
        }
        self.others.retain(|l| l.org_id == org);
        self.provinces.retain_mut(|p| {
            if p.province.org_id == org {
                return true;
            }
            p.regions.retain(|r| r.org_id == org);
            !p.regions.is_empty()
        });
        self
    }
}

fn is_government(kind: OrgKind) -> bool {
    matches!(
        kind,
        OrgKind::Ministry | OrgKind::Province | OrgKind::Regency | OrgKind::City
    )
}

/// Each government's line from the organisations' staffing.
pub fn connectedness(orgs: &[Staffing]) -> Connectedness {
    let mut opds: HashMap<i64, Vec<&Staffing>> = HashMap::new();
    for o in orgs.iter().filter(|o| o.kind == OrgKind::Opd) {
        if let Some(parent) = o.parent_id {
            opds.entry(parent).or_default().push(o);
        }
    }
    let line = |g: &Staffing| {
        let own = opds.get(&g.id).map(Vec::as_slice).unwrap_or_default();
        let mut without: Vec<String> = own
            .iter()
            .filter(|o| o.opd_admins == 0)
            .map(|o| o.name.clone())
            .collect();
        without.sort();
        let coordinator = g.coordinators > 0;
        RegionLink {
            org_id: g.id,
            name: g.name.clone(),
            area_code: g.area_code.clone(),
            kind: g.kind,
            connected: coordinator && without.is_empty(),
            coordinator,
            opds: own.len() as i64,
            opds_without_admin: without,
            officials: g.officials + own.iter().map(|o| o.officials).sum::<i64>(),
            active_officials: g.active_officials
                + own.iter().map(|o| o.active_officials).sum::<i64>(),
        }
    };
    let mut provinces: Vec<ProvinceLinks> = orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Province)
        .map(|p| {
            let mut regions: Vec<RegionLink> = orgs
                .iter()
                .filter(|o| {
                    o.parent_id == Some(p.id) && matches!(o.kind, OrgKind::Regency | OrgKind::City)
                })
                .map(line)
                .collect();
            regions.sort_by(|a, b| a.name.cmp(&b.name));
            ProvinceLinks {
                province: line(p),
                connected: regions.iter().filter(|r| r.connected).count() as i64,
                total: regions.len() as i64,
                regions,
            }
        })
        .collect();
    provinces.sort_by(|a, b| a.province.name.cmp(&b.province.name));
    let province_ids: Vec<i64> = provinces.iter().map(|p| p.province.org_id).collect();
    let mut others: Vec<RegionLink> = orgs
        .iter()
        .filter(|o| is_government(o.kind) && o.kind != OrgKind::Province)
        .filter(|o| !o.parent_id.is_some_and(|p| province_ids.contains(&p)))
        .map(line)
        .collect();
    others.sort_by(|a, b| a.name.cmp(&b.name));
    Connectedness { provinces, others }
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::Db;
    use crate::error::AppResult;
    use sqlx::Row;

    /// Every organisation's staffing as of `now`. An official is active who signed in within
    /// [`ACTIVE_DAYS`], or holds a session used within them (sessions end after 30 days
    /// without use).
    pub async fn staffing(db: &Db, now: i64) -> AppResult<Vec<Staffing>> {
        let since = now - ACTIVE_DAYS * 86_400;
        let rows = sqlx::query(
            "select o.id, o.parent_id, o.kind, o.name, o.area_code, \
             count(a.id) as officials, \
             coalesce(sum(case when a.role = 'admin_instansi' then 1 else 0 end), 0) as coordinators, \
             coalesce(sum(case when a.role = 'admin_pelaksana' then 1 else 0 end), 0) as opd_admins, \
             coalesce(sum(case when a.last_sign_in_at >= $1 or exists (select 1 from sessions s \
               where s.account_id = a.id and s.expires_at > $2) then 1 else 0 end), 0) as active \
             from organizations o left join accounts a on a.org_id = o.id and a.active = 1 \
               and a.role <> 'pelapor' \
             group by o.id, o.parent_id, o.kind, o.name, o.area_code",
        )
        .bind(since)
        .bind(now)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| -> Option<Result<Staffing, sqlx::Error>> {
                let kind: String = match r.try_get("kind") {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                let kind = OrgKind::from_code(&kind)?;
                Some((|| {
                    Ok(Staffing {
                        id: r.try_get("id")?,
                        parent_id: r.try_get("parent_id")?,
                        kind,
                        name: r.try_get("name")?,
                        area_code: r.try_get("area_code")?,
                        coordinators: r.try_get("coordinators")?,
                        opd_admins: r.try_get("opd_admins")?,
                        officials: r.try_get("officials")?,
                        active_officials: r.try_get("active")?,
                    })
                })())
            })
            .collect::<Result<_, _>>()?)
    }

    /// Every government's line as of `now`.
    pub async fn links(db: &Db, now: i64) -> AppResult<Connectedness> {
        Ok(connectedness(&staffing(db, now).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, parent: Option<i64>, kind: OrgKind, name: &str) -> Staffing {
        Staffing {
            id,
            parent_id: parent,
            kind,
            name: name.into(),
            area_code: None,
            coordinators: 0,
            opd_admins: 0,
            officials: 0,
            active_officials: 0,
        }
    }

    fn staffed(mut o: Staffing, coordinators: i64, opd_admins: i64, active: i64) -> Staffing {
        o.coordinators = coordinators;
        o.opd_admins = opd_admins;
        o.officials = coordinators + opd_admins;
        o.active_officials = active;
        o
    }

    /// Kalimantan Timur's ten regencies and cities, eight of them with a coordinator and an
    /// admin in each OPD; one lacks its coordinator, one an admin in one OPD.
    fn kaltim() -> Vec<Staffing> {
        let mut all = vec![
            org(1, None, OrgKind::National, "Nasional"),
            staffed(
                org(64, Some(1), OrgKind::Province, "Kalimantan Timur"),
                1,
                0,
                1,
            ),
        ];
        let names = [
            "Kabupaten Paser",
            "Kabupaten Kutai Kartanegara",
            "Kabupaten Berau",
            "Kabupaten Kutai Barat",
            "Kabupaten Kutai Timur",
            "Kabupaten Penajam Paser Utara",
            "Kabupaten Mahakam Ulu",
            "Kota Balikpapan",
            "Kota Samarinda",
            "Kota Bontang",
        ];
        for (i, name) in names.iter().enumerate() {
            let id = 100 + i as i64;
            let kind = if name.starts_with("Kota") {
                OrgKind::City
            } else {
                OrgKind::Regency
            };
            let coordinators = i64::from(*name != "Kabupaten Mahakam Ulu");
            all.push(staffed(
                org(id, Some(64), kind, name),
                coordinators,
                0,
                coordinators,
            ));
            for (j, opd) in ["Dinas PUPR", "Dinas Kesehatan"].iter().enumerate() {
                let admins = i64::from(!(*name == "Kota Bontang" && *opd == "Dinas Kesehatan"));
                all.push(staffed(
                    org(1000 + id * 10 + j as i64, Some(id), OrgKind::Opd, opd),
                    0,
                    admins,
                    0,
                ));
            }
        }
        all
    }

    #[test]
    fn a_province_with_ten_regions_of_which_eight_are_staffed_shows_8_of_10() {
        let c = connectedness(&kaltim());
        assert_eq!(c.provinces.len(), 1);
        let p = &c.provinces[0];
        assert_eq!((p.connected, p.total), (8, 10));
        let line = |name: &str| p.regions.iter().find(|r| r.name == name).expect(name);
        let mahulu = line("Kabupaten Mahakam Ulu");
        assert!(!mahulu.connected && !mahulu.coordinator && mahulu.opds_without_admin.is_empty());
        let bontang = line("Kota Bontang");
        assert!(!bontang.connected && bontang.coordinator);
        assert_eq!(
            bontang.opds_without_admin,
            vec!["Dinas Kesehatan".to_owned()]
        );
        let samarinda = line("Kota Samarinda");
        assert!(samarinda.connected);
        // Activity counts the government's officials and its OPDs'.
        assert_eq!((samarinda.officials, samarinda.active_officials), (3, 1));
        // The province itself has a coordinator and no OPDs of its own.
        assert!(p.province.connected);
        assert!(c.others.is_empty());
    }

    #[test]
    fn a_scope_keeps_its_own_lines() {
        let c = connectedness(&kaltim());
        let one = c.clone().within(Some(108));
        assert_eq!(one.provinces[0].regions.len(), 1);
        assert_eq!(one.provinces[0].regions[0].name, "Kota Samarinda");
        assert_eq!(c.clone().within(Some(64)).provinces[0].total, 10);
        assert_eq!(c.clone().within(None), c);
        // An OPD or the national organisation: everything.
        assert_eq!(c.clone().within(Some(1)), c);
        assert_eq!(c.lines().count(), 11);
    }
}
