//! `/bantuan/sms`: how to file, follow and answer a report by SMS, for whoever helps a
//! citizen without a smartphone (and for the citizen, read out at a counter).

use super::use_locale;
use crate::tr;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SmsHelpPage() -> impl IntoView {
    let loc = use_locale();
    let rows = [
        ("LAPOR <isi laporan>", "help.sms.report"),
        ("LAPOR ANONIM <isi laporan>", "help.sms.anonymous"),
        ("LAPOR RAHASIA <isi laporan>", "help.sms.confidential"),
        ("CEK <nomor laporan>", "help.sms.check"),
        ("<nomor laporan> <pesan>", "help.sms.reply"),
        (
            "TERIMA <nomor laporan> <1-5> <komentar>",
            "help.sms.confirm",
        ),
        ("SANGGAH <nomor laporan> <alasan>", "help.sms.contest"),
        ("BERHENTI", "help.sms.stop"),
    ];
    view! {
        <Title text=tr!(loc, "help.sms.title") />
        <h1>{tr!(loc, "help.sms.title")}</h1>
        <p class="lead">{tr!(loc, "help.sms.lead")}</p>
        <table class="formats">
            <thead><tr><th scope="col">{tr!(loc, "help.sms.format")}</th><th scope="col">{tr!(loc, "help.sms.does")}</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(format, key)| view! {
                    <tr><td><code>{format}</code></td><td>{tr!(loc, key)}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <p>{tr!(loc, "help.sms.variants")}</p>
        <p>{tr!(loc, "help.sms.example")}</p>
        <pre>"LAPOR Jalan di depan SDN 3 Sungai Miai berlubang besar sejak seminggu, sudah dua motor jatuh."</pre>
        <p>{tr!(loc, "help.sms.privacy")}</p>
    }
}
