//! Server subcommands, for what must happen before anyone can sign in.

use app::admin::{StaffInput, create_staff};
use app::db::Db;
use app::lifecycle::Role;

/// Creates a system admin account: the first account of a fresh deployment, from which every
/// other staff account is made in the admin page.
pub async fn create_admin(db: &Db, email: &str, name: &str, password: &str) -> anyhow::Result<i64> {
    let input = StaffInput {
        email: email.into(),
        name: name.into(),
        role: Role::SystemAdmin.code().into(),
        org_id: String::new(),
        password: password.into(),
    };
    let now = app::db::now();
    let id = create_staff(db, &input, now).await.map_err(|e| {
        let locale = app::i18n::Locale::En;
        let detail = match e.clone().localize(locale) {
            app::error::AppError::Invalid(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; "),
            other => other.user_message(locale),
        };
        anyhow::anyhow!("cannot create the admin account: {detail}")
    })?;
    let what = app::audit::What::new(app::audit::Action::StaffCreated, &input.email);
    let actor = app::audit::Actor::command_line();
    app::audit::record(&db.pool, &actor, what.detail(&input.role), now).await?;
    Ok(id)
}

/// Turns off two-step sign-in of the account with this email (its authenticator and recovery
/// codes forgotten, its sessions ended), for an official locked out when no system admin can
/// do it in the admin page: the only system admin lost their phone and their codes. Recorded
/// in the audit log as done from the command line. `false` when the account had none.
pub async fn reset_second_factor(db: &Db, email: &str) -> anyhow::Result<bool> {
    let account: Option<i64> =
        sqlx::query_scalar("select id from accounts where lower(email) = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&db.pool)
            .await?;
    let id = account.ok_or_else(|| anyhow::anyhow!("no account with the email {email}"))?;
    if app::staff::load(db, id).await?.is_none() {
        anyhow::bail!("{email} is not an active official");
    }
    if !app::second_factor::reset(db, id).await? {
        return Ok(false);
    }
    app::accounts::sign_out_everywhere(db, id).await?;
    let email = app::audit::email_of_account(db, id).await?;
    let org = app::audit::org_of_account(db, id).await?;
    let what = app::audit::What::new(app::audit::Action::SecondFactorReset, &email).org(org);
    app::audit::record(
        &db.pool,
        &app::audit::Actor::command_line(),
        what,
        app::db::now(),
    )
    .await?;
    Ok(true)
}
