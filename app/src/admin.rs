//! The system admin's work: organisations, categories and staff accounts. The same plain
//! functions serve the admin pages and the `lapor create-admin` command that makes the first
//! account of a fresh deployment. Every server function here writes what it did to the
//! audit log ([`crate::audit`]) once it succeeded; the log is read through [`audit_log`].

use crate::lifecycle::Role;
use crate::orgs::{Category, OrgKind};
use serde::{Deserialize, Serialize};

/// The new staff account form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffInput {
    pub email: String,
    pub name: String,
    /// [`Role::code`] of a staff role.
    pub role: String,
    /// The organisation; empty only for a system admin.
    pub org_id: String,
    pub password: String,
}

/// The new organisation form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgInput {
    pub parent_id: String,
    pub kind: String,
    pub code: String,
    pub name: String,
    /// `WIB`, `WITA` or `WIT`; empty: the same as the government above.
    pub time_zone: String,
}

/// The form that changes an organisation's time zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeZoneInput {
    pub org_id: String,
    /// As in [`OrgInput::time_zone`].
    pub time_zone: String,
}

/// A time zone as a form gives it: empty for "the same as above", else one of the three.
pub fn parse_time_zone(
    text: &str,
) -> Result<Option<crate::i18n::TimeZone>, crate::error::FieldError> {
    match text.trim() {
        "" => Ok(None),
        label => crate::i18n::TimeZone::from_label(label)
            .map(Some)
            .ok_or_else(|| crate::error::FieldError::new("time_zone", "err.time_zone")),
    }
}

/// The new category form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoryInput {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
}

/// An organisation in the tree, with its depth for indentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub code: String,
    pub name: String,
    /// Its Kemendagri area code, once the country's data gave it one.
    pub area_code: Option<String>,
    pub depth: usize,
    /// The zone the admin gave it (`None`: the same as above).
    pub time_zone: Option<crate::i18n::TimeZone>,
    /// The zone in force (its own or the nearest above; `None`: the deployment's).
    pub zone: Option<crate::i18n::TimeZone>,
}

/// A staff account as the admin list shows it. Citizens' accounts are never listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_name: Option<String>,
    pub active: bool,
    /// Whether the account signs in with a second step.
    pub second_factor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminData {
    pub orgs: Vec<OrgRow>,
    pub categories: Vec<Category>,
    pub staff: Vec<StaffRow>,
    /// The working-day calendar's days off.
    pub holidays: Vec<crate::calendar::Holiday>,
    /// The default deadline lengths.
    pub policy: crate::deadlines::Policy,
    /// Categories' own resolution lengths, by category id (absent: the default).
    pub category_days: Vec<(i64, i64)>,
    /// Whether every official must sign in with a second step.
    pub second_factor_required: bool,
    /// The keys other systems file reports with.
    pub api_keys: Vec<crate::api_keys::ApiKeyRow>,
    /// A key issued a moment ago, shown once (taken from the session as it is returned).
    pub fresh_api_key: Option<String>,
    /// How much of the country's tree is loaded, with codes.
    pub country: crate::wilayah::CountryStatus,
}

/// Which kinds of organisation a role may belong to.
pub fn role_fits(role: Role, kind: Option<OrgKind>) -> bool {
    use OrgKind::*;
    matches!(
        (role, kind),
        (Role::SystemAdmin, _)
            | (Role::NationalAdmin, Some(National))
            | (
                Role::Coordinator,
                Some(Ministry | Province | Regency | City)
            )
            | (Role::OpdAdmin, Some(Opd))
            | (Role::Overseer, Some(_))
    )
}

/// Which kind of organisation may sit under which (`None`: at the root).
pub fn parent_fits(kind: OrgKind, parent: Option<OrgKind>) -> bool {
    use OrgKind::*;
    matches!(
        (kind, parent),
        (National, None)
            | (Ministry | Province, Some(National))
            | (Regency | City, Some(Province))
            | (Opd, Some(Ministry | Province | Regency | City))
    )
}

/// A short code: lower-case letters, digits and dashes, 2 to 40 characters.
pub fn code_is_valid(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Orders organisations depth-first under their parents, each level by name.
pub fn tree_order(mut orgs: Vec<OrgRow>) -> Vec<OrgRow> {
    orgs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::with_capacity(orgs.len());
    fn visit(parent: Option<i64>, depth: usize, all: &[OrgRow], out: &mut Vec<OrgRow>) {
        for o in all.iter().filter(|o| o.parent_id == parent) {
            out.push(OrgRow { depth, ..o.clone() });
            visit(Some(o.id), depth + 1, all, out);
        }
    }
    visit(None, 0, &orgs, &mut out);
    out
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::accounts::{MIN_PASSWORD, email_is_plausible, hash_password};
    use crate::db::{Db, is_unique_violation};
    use crate::error::{AppError, AppResult, FieldError};
    use sqlx::Row;

    async fn org_kind(db: &Db, id: i64) -> AppResult<Option<OrgKind>> {
        let kind: Option<String> =
            sqlx::query_scalar("select kind from organizations where id = $1")
                .bind(id)
                .fetch_optional(&db.pool)
                .await?;
        Ok(kind.as_deref().and_then(OrgKind::from_code))
    }

    /// Creates a staff account; returns its id.
    pub async fn create_staff(db: &Db, input: &StaffInput, now: i64) -> AppResult<i64> {
        let mut errors = Vec::new();
        let email = input.email.trim().to_lowercase();
        let name = input.name.trim();
        if !email_is_plausible(&email) {
            errors.push(FieldError::new("email", "err.email"));
        }
        if name.chars().count() < 2 || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "err.name"));
        }
        if input.password.chars().count() < MIN_PASSWORD || input.password.len() > 1024 {
            errors.push(FieldError::new("password", "err.password_short"));
        }
        let role = Role::from_code(input.role.trim()).filter(|r| *r != Role::Citizen);
        let org_id = input.org_id.trim().parse::<i64>().ok();
        let kind = match org_id {
            Some(id) => org_kind(db, id).await?,
            None => None,
        };
        match role {
            None => errors.push(FieldError::new("role", "err.role")),
            Some(role) if !role_fits(role, kind) => {
                errors.push(FieldError::new("org_id", "err.role_org"))
            }
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let role = role.unwrap_or(Role::Overseer);
        let org_id = if kind.is_some() { org_id } else { None };
        let hash = hash_password(input.password.clone()).await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "insert into accounts (email, password_hash, name, role, org_id, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&email)
        .bind(&hash)
        .bind(name)
        .bind(role.code())
        .bind(org_id)
        .bind(now)
        .fetch_one(&db.pool)
        .await;
        match inserted {
            Ok(id) => Ok(id),
            Err(e) if is_unique_violation(&e) => Err(AppError::invalid("email", "err.email_taken")),
            Err(e) => Err(e.into()),
        }
    }

    /// Enables or disables a staff account; disabling ends all its sessions at once and
    /// leaves the reports it handled unassigned, each with an entry saying why
    /// ([`crate::desk::release_all`]).
    pub async fn set_active(
        db: &crate::change::Store,
        account_id: i64,
        active: bool,
        now: i64,
    ) -> AppResult<()> {
        let done =
            sqlx::query("update accounts set active = $1 where id = $2 and role <> 'pelapor'")
                .bind(i64::from(active))
                .bind(account_id)
                .execute(&db.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        if !active {
            crate::accounts::sign_out_everywhere(db, account_id).await?;
            crate::desk::release_all(db, account_id, now).await?;
        }
        Ok(())
    }

    /// Gives a staff account a new password (one it forgot, or one that leaked) and ends every
    /// session it had.
    pub async fn reset_password(db: &Db, account_id: i64, password: &str) -> AppResult<()> {
        if password.chars().count() < MIN_PASSWORD || password.len() > 1024 {
            return Err(AppError::invalid("password", "err.password_short"));
        }
        let hash = hash_password(password.to_owned()).await?;
        let done = sqlx::query(
            "update accounts set password_hash = $1 where id = $2 and role <> 'pelapor'",
        )
        .bind(&hash)
        .bind(account_id)
        .execute(&db.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        crate::accounts::sign_out_everywhere(db, account_id).await
    }

    /// Adds an organisation where the tree allows it; returns its id.
    pub async fn add_org(db: &Db, input: &OrgInput) -> AppResult<i64> {
        let mut errors = Vec::new();
        let kind = OrgKind::from_code(input.kind.trim());
        let parent_id = input.parent_id.trim().parse::<i64>().ok();
        let parent_kind = match parent_id {
            Some(id) => org_kind(db, id).await?,
            None => None,
        };
        let code = input.code.trim().to_lowercase();
        let name = input.name.trim();
        match kind {
            None => errors.push(FieldError::new("kind", "err.org_kind")),
            Some(k) if !parent_fits(k, parent_kind) => {
                errors.push(FieldError::new("parent_id", "err.org_parent"))
            }
            Some(_) => {}
        }
        if !code_is_valid(&code) {
            errors.push(FieldError::new("code", "err.code"));
        }
        if name.chars().count() < 2 || name.chars().count() > 150 {
            errors.push(FieldError::new("name", "err.name"));
        }
        let zone = parse_time_zone(&input.time_zone)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let Some(kind) = kind.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let id = match crate::orgs::create_org(db, parent_kind.and(parent_id), kind, &code, name)
            .await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::invalid("code", "err.code_taken"));
            }
            Err(e) => return Err(e.into()),
        };
        if zone.is_some() {
            crate::orgs::set_time_zone(db, id, zone).await?;
        }
        Ok(id)
    }

    /// Gives an organisation its own time zone (or takes it away: the one above applies),
    /// then recounts the deadlines of open reports, which are counted in their region's zone.
    pub async fn set_org_time_zone(
        db: &Db,
        input: &TimeZoneInput,
        now: i64,
    ) -> AppResult<Option<crate::i18n::TimeZone>> {
        let org_id = input
            .org_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::NotFound)?;
        let zone = parse_time_zone(&input.time_zone).map_err(|e| AppError::Invalid(vec![e]))?;
        if !crate::orgs::set_time_zone(db, org_id, zone).await? {
            return Err(AppError::NotFound);
        }
        crate::deadlines::refresh_open(db, now).await?;
        Ok(zone)
    }

    /// Adds a category; returns its id.
    pub async fn add_category(db: &Db, input: &CategoryInput) -> AppResult<i64> {
        let mut errors = Vec::new();
        let code = input.code.trim().to_lowercase();
        if !code_is_valid(&code) {
            errors.push(FieldError::new("code", "err.code"));
        }
        for (field, value) in [("name_id", &input.name_id), ("name_en", &input.name_en)] {
            let n = value.trim().chars().count();
            if !(2..=100).contains(&n) {
                errors.push(FieldError::new(field, "err.name"));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        match crate::orgs::create_category(db, &code, input.name_id.trim(), input.name_en.trim())
            .await
        {
            Ok(id) => Ok(id),
            Err(e) if is_unique_violation(&e) => Err(AppError::invalid("code", "err.code_taken")),
            Err(e) => Err(e.into()),
        }
    }

    /// A time zone column of `organizations` (null: none of its own, or the deployment's).
    fn zone_column(
        row: &sqlx::any::AnyRow,
        column: &str,
    ) -> Result<Option<crate::i18n::TimeZone>, sqlx::Error> {
        let label: Option<String> = row.try_get(column)?;
        Ok(label.as_deref().and_then(crate::i18n::TimeZone::from_label))
    }

    /// The tree, the categories and the staff accounts.
    pub async fn overview(db: &Db) -> AppResult<AdminData> {
        let orgs = sqlx::query(
            "select id, parent_id, kind, code, name, area_code, time_zone, zone from organizations",
        )
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| -> Result<OrgRow, sqlx::Error> {
            let kind: String = r.try_get("kind")?;
            Ok(OrgRow {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                kind: OrgKind::from_code(&kind).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown org kind {kind}").into())
                })?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                area_code: r.try_get("area_code")?,
                depth: 0,
                time_zone: zone_column(r, "time_zone")?,
                zone: zone_column(r, "zone")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
        let staff = sqlx::query(
            "select a.id, a.email, a.name, a.role, a.active, o.name as org_name, \
             (select count(*) from second_factors f where f.account_id = a.id \
              and f.confirmed_at is not null) as second_factor \
             from accounts a left join organizations o on o.id = a.org_id \
             where a.role <> 'pelapor' order by a.role, a.email",
        )
        .fetch_all(&db.pool)
        .await?
        .iter()
        .filter_map(|r| -> Option<Result<StaffRow, sqlx::Error>> {
            let role: String = match r.try_get("role") {
                Ok(role) => role,
                Err(e) => return Some(Err(e)),
            };
            let role = Role::from_code(&role)?;
            Some((|| {
                Ok(StaffRow {
                    id: r.try_get("id")?,
                    email: r.try_get("email")?,
                    name: r.try_get("name")?,
                    role,
                    org_name: r.try_get("org_name")?,
                    active: r.try_get::<i64, _>("active")? != 0,
                    second_factor: r.try_get::<i64, _>("second_factor")? > 0,
                })
            })())
        })
        .collect::<Result<Vec<_>, _>>()?;
        let category_days: Vec<(i64, i64)> = sqlx::query_as(
            "select id, resolve_days from categories where resolve_days is not null",
        )
        .fetch_all(&db.pool)
        .await?;
        Ok(AdminData {
            orgs: tree_order(orgs),
            categories: crate::orgs::categories(db).await?,
            staff,
            holidays: crate::deadlines::holidays(db).await?,
            policy: crate::deadlines::load_policy(&db.pool).await?,
            category_days,
            second_factor_required: crate::second_factor::required(db).await?,
            api_keys: crate::api_keys::list(db).await?,
            fresh_api_key: None,
            country: crate::wilayah::status(db).await?,
        })
    }
}

mod server_fns {
    use super::*;
    #[cfg(feature = "ssr")]
    use crate::audit::{Action, What};
    use crate::error::AppError;
    use leptos::prelude::*;

    #[cfg(feature = "ssr")]
    type Caller = (
        crate::state::AppState,
        crate::i18n::Locale,
        crate::staff::Staff,
    );

    /// The signed-in system admin, or a refusal.
    #[cfg(feature = "ssr")]
    fn system_admin() -> Result<Caller, AppError> {
        let (state, ctx) = crate::state::server_ctx();
        match &ctx.viewer.staff {
            Some(s) if s.role == Role::SystemAdmin => Ok((state, ctx.locale, s.clone())),
            Some(_) => Err(AppError::Refused(crate::error::Refusal::NotYourRole)),
            None => Err(AppError::Unauthorized),
        }
    }

    /// Writes what the admin just did to the audit log.
    #[cfg(feature = "ssr")]
    async fn log(caller: &Caller, what: What<'_>) -> Result<(), AppError> {
        let actor = crate::audit::Actor::official(&caller.2);
        crate::audit::record(&caller.0.db.pool, &actor, what, crate::db::now()).await
    }

    /// Entries of an account: its email, its organisation.
    #[cfg(feature = "ssr")]
    async fn log_account(caller: &Caller, action: Action, account_id: i64) -> Result<(), AppError> {
        let db = &caller.0.db;
        let email = crate::audit::email_of_account(db, account_id).await?;
        let org = crate::audit::org_of_account(db, account_id).await?;
        log(caller, What::new(action, &email).org(org)).await
    }

    /// The outbox for the system admin: counts per state, the latest rows of one state.
    #[server(prefix = "/api", endpoint = "admin_outbox")]
    pub async fn admin_outbox(state: String) -> Result<crate::notify::QueueView, AppError> {
        let (app, _, _) = system_admin()?;
        let state = crate::notify::Delivery::from_code(state.trim());
        Ok(crate::notify::QueueView {
            counts: crate::notify::queue_counts(&app.db).await?,
            state,
            rows: crate::notify::queue(&app.db, state).await?,
            email_configured: app.config.channels.email_configured,
            sms_configured: app.config.channels.sms_configured,
        })
    }

    /// Sends a failed or unsent notification again.
    #[server(prefix = "/api", endpoint = "admin_outbox_retry")]
    pub async fn admin_outbox_retry(id: i64) -> Result<(), AppError> {
        let (app, loc, _) = system_admin()?;
        crate::notify::retry(&app.db, id, crate::db::now())
            .await
            .map_err(|e| e.localize(loc))
    }

    /// Where a key just issued waits, in the admin's session, to be shown once.
    #[cfg(feature = "ssr")]
    const FRESH_KEY: &str = "fresh_api_key";

    #[server(prefix = "/api", endpoint = "admin_overview")]
    pub async fn admin_overview() -> Result<AdminData, AppError> {
        let (state, _, _) = system_admin()?;
        let mut data = overview(&state.db).await?;
        let session = expect_context::<tower_sessions::Session>();
        data.fresh_api_key = session.remove::<String>(FRESH_KEY).await?;
        Ok(data)
    }

    /// Issues an API key; it is shown once, on the admin page that follows.
    #[server(prefix = "/api", endpoint = "admin_issue_api_key")]
    pub async fn admin_issue_api_key(input: crate::api_keys::ApiKeyInput) -> Result<(), AppError> {
        let caller = system_admin()?;
        let (id, key) =
            crate::api_keys::issue(&caller.0.db, &input, caller.2.account_id, crate::db::now())
                .await
                .map_err(|e| e.localize(caller.1))?;
        let session = expect_context::<tower_sessions::Session>();
        session.insert(FRESH_KEY, key).await?;
        let id = id.to_string();
        let what = What::new(Action::ApiKeyIssued, input.name.trim()).detail(&id);
        log(&caller, what).await
    }

    /// Revokes an API key: from now on the API refuses it.
    #[server(prefix = "/api", endpoint = "admin_revoke_api_key")]
    pub async fn admin_revoke_api_key(id: i64) -> Result<(), AppError> {
        let caller = system_admin()?;
        let name = crate::api_keys::revoke(&caller.0.db, id, crate::db::now()).await?;
        let id = id.to_string();
        let what = What::new(Action::ApiKeyRevoked, &name).detail(&id);
        log(&caller, what).await
    }

    /// Loads every province, regency and city of the country with its Kemendagri code,
    /// creating only what the tree lacks.
    #[server(prefix = "/api", endpoint = "admin_load_country")]
    pub async fn admin_load_country() -> Result<crate::wilayah::LoadSummary, AppError> {
        let caller = system_admin()?;
        let done = crate::wilayah::load_country(&caller.0.db, true).await?;
        let detail = format!(
            "provinsi +{} ={}, kabupaten/kota +{} ={}",
            done.provinces_created,
            done.provinces_matched,
            done.regions_created,
            done.regions_matched
        );
        let what = What::new(Action::CountryLoaded, crate::wilayah::SOURCE).detail(&detail);
        log(&caller, what).await?;
        Ok(done)
    }

    #[server(prefix = "/api", endpoint = "admin_create_staff")]
    pub async fn admin_create_staff(input: StaffInput) -> Result<i64, AppError> {
        let caller = system_admin()?;
        let id = create_staff(&caller.0.db, &input, crate::db::now())
            .await
            .map_err(|e| e.localize(caller.1))?;
        log_account(&caller, Action::StaffCreated, id).await?;
        Ok(id)
    }

    #[server(prefix = "/api", endpoint = "admin_set_active")]
    pub async fn admin_set_active(account_id: i64, active: bool) -> Result<(), AppError> {
        let caller = system_admin()?;
        set_active(&caller.0.db, account_id, active, crate::db::now()).await?;
        let action = if active {
            Action::AccountActivated
        } else {
            Action::AccountDeactivated
        };
        log_account(&caller, action, account_id).await
    }

    #[server(prefix = "/api", endpoint = "admin_reset_password")]
    pub async fn admin_reset_password(account_id: i64, password: String) -> Result<(), AppError> {
        let caller = system_admin()?;
        reset_password(&caller.0.db, account_id, &password)
            .await
            .map_err(|e| e.localize(caller.1))?;
        log_account(&caller, Action::PasswordReset, account_id).await
    }

    #[server(prefix = "/api", endpoint = "admin_create_org")]
    pub async fn admin_create_org(input: OrgInput) -> Result<i64, AppError> {
        let caller = system_admin()?;
        let id = add_org(&caller.0.db, &input)
            .await
            .map_err(|e| e.localize(caller.1))?;
        let code = input.code.trim().to_lowercase();
        let what = What::new(Action::OrgCreated, &code).detail(input.name.trim());
        log(&caller, what.org(Some(id))).await?;
        Ok(id)
    }

    #[server(prefix = "/api", endpoint = "admin_set_time_zone")]
    pub async fn admin_set_time_zone(input: TimeZoneInput) -> Result<(), AppError> {
        let caller = system_admin()?;
        let zone = set_org_time_zone(&caller.0.db, &input, crate::db::now())
            .await
            .map_err(|e| e.localize(caller.1))?;
        let org_id = input.org_id.trim().parse::<i64>().ok();
        let code: String = sqlx::query_scalar("select code from organizations where id = $1")
            .bind(org_id)
            .fetch_one(&caller.0.db.pool)
            .await?;
        let detail = zone.map(|z| z.label()).unwrap_or("-");
        let what = What::new(Action::OrgTimeZoneSet, &code).detail(detail);
        log(&caller, what.org(org_id)).await
    }

    #[server(prefix = "/api", endpoint = "admin_save_holiday")]
    pub async fn admin_save_holiday(input: crate::deadlines::HolidayInput) -> Result<(), AppError> {
        let caller = system_admin()?;
        crate::deadlines::save_holiday(&caller.0.db, &input, crate::db::now())
            .await
            .map_err(|e| e.localize(caller.1))?;
        log(
            &caller,
            What::new(Action::HolidaySaved, input.date.trim()).detail(input.name.trim()),
        )
        .await
    }

    #[server(prefix = "/api", endpoint = "admin_remove_holiday")]
    pub async fn admin_remove_holiday(date: String) -> Result<(), AppError> {
        let caller = system_admin()?;
        crate::deadlines::remove_holiday(&caller.0.db, &date, crate::db::now()).await?;
        log(&caller, What::new(Action::HolidayRemoved, date.trim())).await
    }

    #[server(prefix = "/api", endpoint = "admin_save_policy")]
    pub async fn admin_save_policy(
        input: crate::deadlines::PolicyInput,
    ) -> Result<crate::deadlines::Policy, AppError> {
        let caller = system_admin()?;
        let policy = crate::deadlines::save_policy(&caller.0.db, &input, crate::db::now())
            .await
            .map_err(|e| e.localize(caller.1))?;
        let detail = format!(
            "verifikasi {} · tindak lanjut {} · selesai {} · sanggah {}",
            input.verify_days.trim(),
            input.follow_up_days.trim(),
            input.resolve_days.trim(),
            input.contest_days.trim()
        );
        log(&caller, What::new(Action::PolicySaved, "").detail(&detail)).await?;
        Ok(policy)
    }

    #[server(prefix = "/api", endpoint = "admin_category_days")]
    pub async fn admin_category_days(category_id: i64, days: String) -> Result<(), AppError> {
        let caller = system_admin()?;
        crate::deadlines::save_category_days(&caller.0.db, category_id, &days, crate::db::now())
            .await
            .map_err(|e| e.localize(caller.1))?;
        let code: Option<String> = sqlx::query_scalar("select code from categories where id = $1")
            .bind(category_id)
            .fetch_optional(&caller.0.db.pool)
            .await?;
        let what = What::new(
            Action::CategoryDaysSaved,
            code.as_deref().unwrap_or_default(),
        );
        log(&caller, what.detail(days.trim())).await
    }

    #[server(prefix = "/api", endpoint = "admin_create_category")]
    pub async fn admin_create_category(input: CategoryInput) -> Result<i64, AppError> {
        let caller = system_admin()?;
        let id = add_category(&caller.0.db, &input)
            .await
            .map_err(|e| e.localize(caller.1))?;
        let code = input.code.trim().to_lowercase();
        log(
            &caller,
            What::new(Action::CategoryCreated, &code).detail(input.name_id.trim()),
        )
        .await?;
        Ok(id)
    }

    /// Removes a staff account's second factor (a lost phone and lost recovery codes) and
    /// ends its sessions; the official sets up a new one at the next sign-in.
    #[server(prefix = "/api", endpoint = "admin_reset_second_factor")]
    pub async fn admin_reset_second_factor(account_id: i64) -> Result<(), AppError> {
        let caller = system_admin()?;
        let db = &caller.0.db;
        let staff = crate::staff::load(db, account_id).await?;
        if staff.is_none() || !crate::second_factor::reset(db, account_id).await? {
            return Err(AppError::NotFound);
        }
        crate::accounts::sign_out_everywhere(db, account_id).await?;
        log_account(&caller, Action::SecondFactorReset, account_id).await
    }

    /// Requires two-step sign-in of every official, or stops requiring it.
    #[server(prefix = "/api", endpoint = "admin_require_second_factor")]
    pub async fn admin_require_second_factor(require: bool) -> Result<(), AppError> {
        let caller = system_admin()?;
        crate::second_factor::set_required(&caller.0.db, require).await?;
        let action = if require {
            Action::SecondFactorRequired
        } else {
            Action::SecondFactorOptional
        };
        log(&caller, What::new(action, "")).await
    }

    /// A page of the audit log, for the system admin and overseers ([`crate::audit::may_read`]).
    #[server(prefix = "/api", endpoint = "audit_log")]
    pub async fn audit_log(
        #[server(default)] filter: crate::audit::AuditFilter,
    ) -> Result<crate::audit::AuditPage, AppError> {
        let (state, ctx) = crate::state::server_ctx();
        let reader = ctx.viewer.staff.ok_or(AppError::Unauthorized)?;
        crate::audit::entries(&state.db, &reader, &filter).await
    }
}
pub use server_fns::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_belong_to_the_right_level() {
        assert!(role_fits(Role::OpdAdmin, Some(OrgKind::Opd)));
        assert!(!role_fits(Role::OpdAdmin, Some(OrgKind::City)));
        assert!(role_fits(Role::Coordinator, Some(OrgKind::Regency)));
        assert!(!role_fits(Role::Coordinator, None));
        assert!(role_fits(Role::SystemAdmin, None));
        assert!(!role_fits(Role::Citizen, Some(OrgKind::Opd)));
    }

    #[test]
    fn the_tree_has_its_levels() {
        assert!(parent_fits(OrgKind::National, None));
        assert!(parent_fits(OrgKind::City, Some(OrgKind::Province)));
        assert!(!parent_fits(OrgKind::City, Some(OrgKind::National)));
        assert!(!parent_fits(OrgKind::Opd, Some(OrgKind::Opd)));
        assert!(code_is_valid("bjm-pupr") && !code_is_valid("Bjm PUPR"));
    }

    #[test]
    fn the_tree_is_listed_depth_first() {
        let row = |id, parent, name: &str| OrgRow {
            id,
            parent_id: parent,
            kind: OrgKind::City,
            code: name.to_lowercase(),
            name: name.into(),
            area_code: None,
            depth: 0,
            time_zone: None,
            zone: None,
        };
        let ordered = tree_order(vec![
            row(3, Some(1), "B"),
            row(1, None, "Root"),
            row(2, Some(1), "A"),
            row(4, Some(2), "A1"),
        ]);
        let names: Vec<_> = ordered.iter().map(|o| (o.name.as_str(), o.depth)).collect();
        assert_eq!(names, [("Root", 0), ("A", 1), ("A1", 2), ("B", 1)]);
    }
}
