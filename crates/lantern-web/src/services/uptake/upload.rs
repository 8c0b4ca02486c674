//! Loading a published file from the browser: the same readers and one-transaction writes as
//! `lantern import`, so a file refused on the command line is refused here with the same lines named.

use lantern_core::audit::Actor;
use lantern_import::{age_bands, epraccur, imd, oc, places, pomi, registrations};
use lantern_store::Store;
use std::path::PathBuf;

/// The kinds of file an analyst may upload, with what the form calls them.
pub const KINDS: [(&str, &str); 7] = [
    ("pomi", "Patient Online Management Information (POMI), .csv or the published .zip"),
    ("registrations", "Patients Registered at a GP Practice, totals (.csv or .csv.gz)"),
    ("age-bands", "Patients Registered at a GP Practice, 5-year age bands by sex (.csv or .csv.gz)"),
    ("oc", "Submissions via Online Consultation Systems, by practice (.csv or .csv.gz)"),
    ("places", "Practice to PCN, sub-ICB, ICB and region map (gp-reg-pat-prac-map.csv)"),
    ("imd", "IMD deprivation score by practice, Fingertips indicator 93553 (.csv)"),
    ("epraccur", "ODS list of GP practices, epraccur (.csv, no header row)"),
];

/// Imports the file at `path` as `kind`; Ok is the summary to show, Err the reasons nothing was stored.
/// Reading is CPU-bound, so the whole import runs on a blocking thread.
pub async fn import(store: Store, kind: String, path: PathBuf, actor: Actor) -> Result<String, String> {
    let run = async move {
        let (store, path, actor) = (&store, path.as_path(), &actor);
        match kind.as_str() {
            "pomi" => pomi::import_pomi_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            "registrations" => registrations::import_registrations_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            "age-bands" => age_bands::import_age_bands_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            "oc" => {
                oc::import_oc_file(store, path, actor).await.map(|r| r.to_string()).map_err(|e| e.to_string())
            }
            "places" => places::import_places_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            "imd" => imd::import_imd_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            "epraccur" => epraccur::import_epraccur_file(store, path, actor)
                .await
                .map(|r| r.to_string())
                .map_err(|e| e.to_string()),
            other => Err(format!("{other:?} is not a kind of file Lantern reads")),
        }
    };
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(run))
        .await
        .unwrap_or_else(|_| Err("the import stopped unexpectedly; nothing was stored".to_owned()))
}
