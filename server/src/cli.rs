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
