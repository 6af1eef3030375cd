//! `/petugas/admin`: the system admin's page: staff accounts, the organisation tree and the
//! categories, each with a form to add one.

use super::{ErrorNotice, FieldMessage, FormEcho, set_error_status, use_locale, use_time_zone};
use crate::admin::{AdminData, CategoryInput, OrgInput, StaffInput, TimeZoneInput, admin_overview};
use crate::calendar::HolidayKind;
use crate::deadlines::{CategoryDaysInput, HolidayInput, PolicyInput};
use crate::error::AppError;
use crate::i18n::{Locale, TimeZone};
use crate::orgs::OrgKind;
use crate::staff::STAFF_ROLES;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

fn org_kind_key(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::National => "admin.kind_national",
        OrgKind::Ministry => "admin.kind_ministry",
        OrgKind::Province => "admin.kind_province",
        OrgKind::Regency => "admin.kind_regency",
        OrgKind::City => "admin.kind_city",
        OrgKind::Opd => "admin.kind_opd",
    }
}

/// Field message and the general message of a form that came back.
fn messages(
    error: Option<AppError>,
    loc: Locale,
) -> (impl Fn(&str) -> Option<String> + Clone, Option<String>) {
    let e = error.clone();
    let general = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.user_message(loc));
    (
        move |name: &str| e.as_ref().and_then(|e| e.field_message(name)),
        general,
    )
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let loc = use_locale();
    let overview = super::page_data(admin_overview());
    let done = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("selesai")
        .is_some();
    view! {
        <Title text=tr!(loc, "admin.title") />
        <h1>{tr!(loc, "admin.title")}</h1>
        <p>
            <a href="/petugas/admin/kiriman">{tr!(loc, "admin.outbox")}</a>" · "
            <a href="/petugas/audit">{tr!(loc, "audit.title")}</a>
        </p>
        {done.then(|| view! { <p class="notice ok" role="status">{tr!(loc, "admin.saved")}</p> })}
        <Suspense fallback=|| ()>
            {move || {
                let overview = overview.clone();
                Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <AdminBody o loc /> }.into_any(),
                    Err(AppError::Unauthorized) => {
                        #[cfg(feature = "ssr")]
                        leptos_axum::redirect("/masuk?ke=/petugas/admin");
                        view! { <p><a href="/masuk?ke=/petugas/admin">{tr!(loc, "err.unauthorized")}</a></p> }.into_any()
                    }
                    Err(e) => {
                        set_error_status(&e);
                        view! { <ErrorNotice message=e.user_message(loc) /> }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

#[component]
fn AdminBody(o: AdminData, loc: Locale) -> impl IntoView {
    // An action on one account (enable, disable, new password) that was refused.
    let account_error = use_context::<FormEcho<()>>().map(|e| {
        set_error_status(&e.error);
        let detail = e
            .error
            .field_message("password")
            .unwrap_or_else(|| e.error.user_message(loc));
        format!("{}: {detail}", tr!(loc, "admin.error"))
    });
    let staff_echo = use_context::<FormEcho<StaffInput>>();
    let org_echo = use_context::<FormEcho<OrgInput>>();
    let cat_echo = use_context::<FormEcho<CategoryInput>>();
    let holiday_echo = use_context::<FormEcho<HolidayInput>>();
    let policy_echo = use_context::<FormEcho<PolicyInput>>();
    let days_echo = use_context::<FormEcho<CategoryDaysInput>>();
    let zone_echo = use_context::<FormEcho<TimeZoneInput>>();
    for e in [
        staff_echo.as_ref().map(|e| &e.error),
        org_echo.as_ref().map(|e| &e.error),
        cat_echo.as_ref().map(|e| &e.error),
        holiday_echo.as_ref().map(|e| &e.error),
        policy_echo.as_ref().map(|e| &e.error),
        days_echo.as_ref().map(|e| &e.error),
        zone_echo.as_ref().map(|e| &e.error),
    ]
    .into_iter()
    .flatten()
    {
        set_error_status(e);
    }
    let s_in = staff_echo
        .as_ref()
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let (s_field, s_general) = messages(staff_echo.map(|e| e.error), loc);
    let o_in = org_echo
        .as_ref()
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let (o_field, o_general) = messages(org_echo.map(|e| e.error), loc);
    let c_in = cat_echo
        .as_ref()
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let (c_field, c_general) = messages(cat_echo.map(|e| e.error), loc);
    let h_in = holiday_echo
        .as_ref()
        .map(|e| e.input.clone())
        .unwrap_or_default();
    let (h_field, h_general) = messages(holiday_echo.map(|e| e.error), loc);
    let p_in = policy_echo
        .as_ref()
        .map(|e| e.input.clone())
        .unwrap_or_else(|| PolicyInput {
            verify_days: o.policy.verify_days.to_string(),
            follow_up_days: o.policy.follow_up_days.to_string(),
            resolve_days: o.policy.resolve_days.to_string(),
            contest_days: o.policy.contest_days.to_string(),
        });
    let (p_field, p_general) = messages(policy_echo.map(|e| e.error), loc);
    let days_error = days_echo.map(|e| {
        (
            e.input.category_id.clone(),
            e.input.resolve_days.clone(),
            e.error
                .field_message("resolve_days")
                .unwrap_or_else(|| e.error.user_message(loc)),
        )
    });
    let policy_field = |name: &'static str, key: &'static str, value: String| {
        let msg = p_field(name);
        let id = format!("p-{name}");
        view! {
            <label for=id.clone()>{tr!(loc, key)}</label>
            <input id=id name=name type="number" min="1" max="60" required value=value
                aria-invalid=msg.is_some().then_some("true") />
            <FieldMessage field=name message=msg />
        }
    };
    let zone_error = zone_echo.map(|e| {
        e.error
            .field_message("time_zone")
            .unwrap_or_else(|| e.error.user_message(loc))
    });
    let deployment_zone = use_time_zone();
    // "Same as above" or one of the three, the one given selected.
    let zone_options = move |given: Option<TimeZone>| {
        let zones = [TimeZone::Wib, TimeZone::Wita, TimeZone::Wit];
        view! {
            <option value="" selected=given.is_none()>{tr!(loc, "admin.time_zone_inherit")}</option>
            {zones.into_iter().map(|z| view! {
                <option value=z.label() selected=given == Some(z)>{z.label()}</option>
            }).collect_view()}
        }
    };
    let org_options = |selected: String| {
        o.orgs
            .iter()
            .map(|org| {
                let label = format!("{}{}", "· ".repeat(org.depth), org.name);
                view! { <option value=org.id.to_string() selected=selected == org.id.to_string()>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="staff-title">
            <h2 id="staff-title">{tr!(loc, "admin.staff")}</h2>
            {account_error.map(|message| view! { <ErrorNotice message /> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "admin.staff")>
                <table>
                    <thead><tr>
                        <th scope="col">{tr!(loc, "account.name")}</th>
                        <th scope="col">{tr!(loc, "account.email")}</th>
                        <th scope="col">{tr!(loc, "admin.role")}</th>
                        <th scope="col">{tr!(loc, "admin.org")}</th>
                        <th scope="col">{tr!(loc, "two_step.column")}</th>
                        <th scope="col">{tr!(loc, "admin.state")}</th>
                    </tr></thead>
                    <tbody>
                        {o.staff.iter().map(|s| view! {
                            <tr>
                                <td>{s.name.clone()}</td>
                                <td>{s.email.clone()}</td>
                                <td>{tr!(loc, s.role.label_key())}</td>
                                <td>{s.org_name.clone().unwrap_or_default()}</td>
                                <td>
                                    {if s.second_factor { tr!(loc, "two_step.on_short") } else { "—".to_owned() }}
                                    {s.second_factor.then(|| view! {
                                        <form method="post" action=format!("/petugas/admin/akun/{}/dua-langkah", s.id) class="inline">
                                            <button type="submit" class="link">
                                                {tr!(loc, "two_step.reset")}
                                                <span class="visually-hidden">{format!(" {}", s.email)}</span>
                                            </button>
                                        </form>
                                    })}
                                </td>
                                <td>
                                    <form method="post" action=format!("/petugas/admin/akun/{}/status", s.id) class="inline">
                                        <input type="hidden" name="active" value=if s.active { "0" } else { "1" } />
                                        <button type="submit" class="link">
                                            {if s.active { tr!(loc, "admin.disable") } else { tr!(loc, "admin.enable") }}
                                            <span class="visually-hidden">{format!(" {}", s.email)}</span>
                                        </button>
                                    </form>
                                    <form method="post" action=format!("/petugas/admin/akun/{}/sandi", s.id) class="reset">
                                        <label for=format!("pw-{}", s.id)>
                                            {tr!(loc, "admin.new_password")}
                                            <span class="visually-hidden">{format!(" {}", s.email)}</span>
                                        </label>
                                        <input id=format!("pw-{}", s.id) name="password" type="password" autocomplete="new-password" required minlength="10" />
                                        <button type="submit" class="link">{tr!(loc, "admin.reset")}</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form method="post" action="/petugas/admin/akun" class="narrow">
                <h3>{tr!(loc, "admin.new_staff")}</h3>
                {s_general.map(|m| view! { <ErrorNotice message=m /> })}
                <label for="s-name">{tr!(loc, "account.name")}</label>
                <input id="s-name" name="name" type="text" required value=s_in.name.clone() />
                <FieldMessage field="name" message=s_field("name") />
                <label for="s-email">{tr!(loc, "account.email")}</label>
                <input id="s-email" name="email" type="email" required value=s_in.email.clone() />
                <FieldMessage field="email" message=s_field("email") />
                <label for="s-role">{tr!(loc, "admin.role")}</label>
                <select id="s-role" name="role">
                    {STAFF_ROLES.iter().map(|r| view! {
                        <option value=r.code() selected=s_in.role == r.code()>{tr!(loc, r.label_key())}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="role" message=s_field("role") />
                <label for="s-org">{tr!(loc, "admin.org")}</label>
                <select id="s-org" name="org_id">
                    <option value="">{tr!(loc, "admin.no_org")}</option>
                    {org_options(s_in.org_id.clone())}
                </select>
                <FieldMessage field="org_id" message=s_field("org_id") />
                <label for="s-password">{tr!(loc, "account.password")}</label>
                <input id="s-password" name="password" type="password" autocomplete="new-password" required />
                <FieldMessage field="password" message=s_field("password") />
                <button type="submit" class="primary">{tr!(loc, "admin.create")}</button>
            </form>
        </section>
        <section id="dua-langkah" aria-labelledby="two-step-title">
            <h2 id="two-step-title">{tr!(loc, "two_step.title")}</h2>
            <p>{if o.second_factor_required { tr!(loc, "two_step.required_on") } else { tr!(loc, "two_step.required_off") }}</p>
            <form method="post" action="/petugas/admin/dua-langkah" class="inline">
                <input type="hidden" name="wajib" value=if o.second_factor_required { "0" } else { "1" } />
                <button type="submit" class="secondary">
                    {if o.second_factor_required { tr!(loc, "two_step.require_stop") } else { tr!(loc, "two_step.require") }}
                </button>
            </form>
        </section>
        <ApiKeys keys=o.api_keys.clone() fresh=o.fresh_api_key.clone() loc />
        <section id="wilayah" aria-labelledby="country-title">
            <h2 id="country-title">{tr!(loc, "country.title")}</h2>
            <p class="hint">{tr!(loc, "country.hint", source = crate::wilayah::SOURCE)}</p>
            <p data-testid="country-status">{tr!(loc, "country.status", provinces = o.country.provinces, regions = o.country.regions)}</p>
            <form method="post" action="/petugas/admin/wilayah" class="inline">
                <button type="submit" class="secondary">{tr!(loc, "country.load")}</button>
            </form>
        </section>
        <section aria-labelledby="org-title">
            <h2 id="org-title">{tr!(loc, "admin.orgs")}</h2>
            <p class="hint">{tr!(loc, "admin.time_zone_hint")}</p>
            {zone_error.map(|message| view! { <ErrorNotice message /> })}
            <ul class="tree">
                {o.orgs.iter().map(|org| {
                    let zone = org.zone.unwrap_or(deployment_zone).label();
                    // Governments choose their zone; an OPD keeps its government's.
                    let form = (org.kind != OrgKind::Opd).then(|| {
                        let id = format!("zone-{}", org.id);
                        view! {
                            <form method="post" action=format!("/petugas/admin/instansi/{}/zona", org.id) class="inline">
                                <label for=id.clone() class="visually-hidden">{format!("{} {}", tr!(loc, "admin.time_zone"), org.name)}</label>
                                <select id=id name="time_zone">{zone_options(org.time_zone)}</select>
                                <button type="submit" class="secondary">{tr!(loc, "admin.time_zone_save")}</button>
                            </form>
                        }
                    });
                    view! {
                        <li class=format!("depth-{}", org.depth.min(4)) data-testid=format!("org-{}", org.code)>
                            {org.name.clone()}" "<span class="meta">{format!("({}, {}{}) · ", tr!(loc, org_kind_key(org.kind)), org.code, org.area_code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())}<span data-testid="zone">{zone}</span></span>
                            {form}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action="/petugas/admin/instansi" class="narrow">
                <h3>{tr!(loc, "admin.new_org")}</h3>
                {o_general.map(|m| view! { <ErrorNotice message=m /> })}
                <label for="o-parent">{tr!(loc, "admin.parent")}</label>
                <select id="o-parent" name="parent_id">
                    <option value="">{tr!(loc, "admin.no_parent")}</option>
                    {org_options(o_in.parent_id.clone())}
                </select>
                <FieldMessage field="parent_id" message=o_field("parent_id") />
                <label for="o-kind">{tr!(loc, "admin.kind")}</label>
                <select id="o-kind" name="kind">
                    {OrgKind::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=o_in.kind == k.code()>{tr!(loc, org_kind_key(*k))}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="kind" message=o_field("kind") />
                <label for="o-code">{tr!(loc, "admin.code")}</label>
                <input id="o-code" name="code" type="text" required value=o_in.code.clone() />
                <FieldMessage field="code" message=o_field("code") />
                <label for="o-name">{tr!(loc, "admin.org_name")}</label>
                <input id="o-name" name="name" type="text" required value=o_in.name.clone() />
                <FieldMessage field="name" message=o_field("name") />
                <label for="o-zone">{tr!(loc, "admin.time_zone")}</label>
                <select id="o-zone" name="time_zone">{zone_options(TimeZone::from_label(&o_in.time_zone))}</select>
                <FieldMessage field="time_zone" message=o_field("time_zone") />
                <button type="submit" class="primary">{tr!(loc, "admin.create")}</button>
            </form>
        </section>
        <section aria-labelledby="cat-title">
            <h2 id="cat-title">{tr!(loc, "admin.categories")}</h2>
            <ul class="categories">
                {o.categories.iter().map(|c| {
                    let own = o.category_days.iter().find(|(id, _)| *id == c.id).map(|(_, d)| d.to_string());
                    let error = days_error.clone().filter(|(id, _, _)| *id == c.id.to_string());
                    let value = error.as_ref().map(|(_, typed, _)| typed.clone()).or(own).unwrap_or_default();
                    let fid = format!("days-{}", c.id);
                    view! {
                        <li>
                            {c.name(loc).to_owned()}" "<span class="meta">{format!("({})", c.code)}</span>
                            <form method="post" action=format!("/petugas/admin/kategori/{}/tenggat", c.id) class="inline days">
                                <label for=fid.clone()>{tr!(loc, "admin.category_days")}</label>
                                <input id=fid name="resolve_days" type="number" min="1" max="60" value=value
                                    placeholder=o.policy.resolve_days.to_string()
                                    aria-invalid=error.is_some().then_some("true") />
                                <button type="submit" class="link">{tr!(loc, "admin.save")}<span class="visually-hidden">{format!(" {}", c.code)}</span></button>
                                {error.map(|(_, _, m)| view! { <p class="field-error">{m}</p> })}
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action="/petugas/admin/kategori" class="narrow">
                <h3>{tr!(loc, "admin.new_category")}</h3>
                {c_general.map(|m| view! { <ErrorNotice message=m /> })}
                <label for="c-code">{tr!(loc, "admin.code")}</label>
                <input id="c-code" name="code" type="text" required value=c_in.code.clone() />
                <FieldMessage field="code" message=c_field("code") />
                <label for="c-name-id">{tr!(loc, "admin.name_id")}</label>
                <input id="c-name-id" name="name_id" type="text" required value=c_in.name_id.clone() />
                <FieldMessage field="name_id" message=c_field("name_id") />
                <label for="c-name-en">{tr!(loc, "admin.name_en")}</label>
                <input id="c-name-en" name="name_en" type="text" required value=c_in.name_en.clone() />
                <FieldMessage field="name_en" message=c_field("name_en") />
                <button type="submit" class="primary">{tr!(loc, "admin.create")}</button>
            </form>
        </section>
        <section aria-labelledby="deadline-title">
            <h2 id="deadline-title">{tr!(loc, "admin.deadlines")}</h2>
            <form method="post" action="/petugas/admin/tenggat" class="narrow">
                {p_general.map(|m| view! { <ErrorNotice message=m /> })}
                {policy_field("verify_days", "deadline.verify", p_in.verify_days.clone())}
                {policy_field("follow_up_days", "deadline.follow_up", p_in.follow_up_days.clone())}
                {policy_field("resolve_days", "deadline.resolve", p_in.resolve_days.clone())}
                {policy_field("contest_days", "deadline.contest", p_in.contest_days.clone())}
                <p class="hint">{tr!(loc, "admin.deadlines_hint")}</p>
                <button type="submit" class="primary">{tr!(loc, "admin.save")}</button>
            </form>
        </section>
        <section aria-labelledby="calendar-title">
            <h2 id="calendar-title">{tr!(loc, "admin.calendar")}</h2>
            {h_general.map(|m| view! { <ErrorNotice message=m /> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr!(loc, "admin.calendar")>
                <table class="holidays">
                    <thead><tr>
                        <th scope="col">{tr!(loc, "admin.date")}</th>
                        <th scope="col">{tr!(loc, "admin.holiday_name")}</th>
                        <th scope="col">{tr!(loc, "admin.kind")}</th>
                        <th scope="col"><span class="visually-hidden">{tr!(loc, "admin.remove")}</span></th>
                    </tr></thead>
                    <tbody>
                        {o.holidays.iter().map(|h| view! {
                            <tr>
                                <td>{loc.date(&h.date)}</td>
                                <td>{h.name.clone()}</td>
                                <td>{tr!(loc, h.kind.label_key())}</td>
                                <td>
                                    <form method="post" action=format!("/petugas/admin/libur/{}/hapus", h.date) class="inline">
                                        <button type="submit" class="link">{tr!(loc, "admin.remove")}<span class="visually-hidden">{format!(" {}", h.date)}</span></button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form method="post" action="/petugas/admin/libur" class="narrow">
                <h3>{tr!(loc, "admin.new_holiday")}</h3>
                <label for="h-date">{tr!(loc, "admin.date")}</label>
                <input id="h-date" name="date" type="date" required value=h_in.date.clone()
                    aria-invalid=h_field("date").is_some().then_some("true") />
                <FieldMessage field="date" message=h_field("date") />
                <label for="h-name">{tr!(loc, "admin.holiday_name")}</label>
                <input id="h-name" name="name" type="text" required maxlength="100" value=h_in.name.clone()
                    aria-invalid=h_field("name").is_some().then_some("true") />
                <FieldMessage field="name" message=h_field("name") />
                <label for="h-kind">{tr!(loc, "admin.kind")}</label>
                <select id="h-kind" name="kind">
                    {HolidayKind::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=h_in.kind == k.code()>{tr!(loc, k.label_key())}</option>
                    }).collect_view()}
                </select>
                <FieldMessage field="kind" message=h_field("kind") />
                <button type="submit" class="primary">{tr!(loc, "admin.save")}</button>
            </form>
        </section>
    }
}

/// The keys other systems file reports with through Open311: issue one (shown once), see
/// when each was last used and how many reports it filed, revoke it.
#[component]
fn ApiKeys(
    keys: Vec<crate::api_keys::ApiKeyRow>,
    fresh: Option<String>,
    loc: Locale,
) -> impl IntoView {
    let zone = use_time_zone();
    let echo = use_context::<FormEcho<crate::api_keys::ApiKeyInput>>();
    if let Some(e) = &echo {
        set_error_status(&e.error);
    }
    let name = echo
        .as_ref()
        .map(|e| e.input.name.clone())
        .unwrap_or_default();
    let (field, general) = messages(echo.map(|e| e.error), loc);
    let when = move |t: Option<i64>| {
        t.map(|t| loc.datetime(t, zone))
            .unwrap_or_else(|| "—".to_owned())
    };
    view! {
        <section id="kunci-api" aria-labelledby="api-keys-title">
            <h2 id="api-keys-title">{tr!(loc, "api_keys.title")}</h2>
            <p class="hint">{tr!(loc, "api_keys.hint")}</p>
            {fresh.map(|key| view! {
                <div class="notice ok" role="status">
                    <p>{tr!(loc, "api_keys.fresh")}</p>
                    <p><code data-testid="fresh-api-key">{key}</code></p>
                </div>
            })}
            {general.map(|message| view! { <ErrorNotice message /> })}
            <ul>
                {keys.into_iter().map(|k| {
                    let state = match k.revoked_at {
                        Some(t) => format!("{} {}", tr!(loc, "api_keys.revoked"), when(Some(t))),
                        None => format!("{} {}", tr!(loc, "api_keys.last_used"), when(k.last_used_at)),
                    };
                    let revoke = k.revoked_at.is_none().then(|| view! {
                        <form method="post" action=format!("/petugas/admin/kunci-api/{}/cabut", k.id) class="inline">
                            <button type="submit" class="secondary">{tr!(loc, "api_keys.revoke")}</button>
                        </form>
                    });
                    view! {
                        <li data-testid=format!("api-key-{}", k.id)>
                            {k.name.clone()}" "<span class="meta">{format!("({}…) · {} · {}", k.hint, tr!(loc, "api_keys.reports", n = k.reports), state)}</span>
                            {revoke}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action="/petugas/admin/kunci-api">
                <label for="k-name">{tr!(loc, "api_keys.name")}</label>
                <input id="k-name" name="name" required maxlength="100" value=name />
                <FieldMessage field="name" message=field("name") />
                <button type="submit" class="primary">{tr!(loc, "api_keys.issue")}</button>
            </form>
        </section>
    }
}
