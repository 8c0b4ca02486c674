//! "Load published data" for analysts: upload a POMI, registrations, online consultations, practice
//! map, IMD or ODS file as NHS England publishes it. The file goes to a temporary file as it arrives
//! (never held whole in memory), then through the same importer as `lantern import`: all of it is
//! stored, or none of it and every refused line is named.

use crate::auth::CurrentUser;
use crate::kit::csrf;
use crate::kit::form::Form;
use crate::kit::shell::Shell;
use crate::kit::{failure, render};
use crate::services::uptake::upload::{import, KINDS};
use crate::services::uptake::ATTRIBUTION;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use lantern_core::validation::FieldError;
use std::io::Write;

/// The national files are tens of megabytes uncompressed; the default body limit is for forms.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

#[derive(Template)]
#[template(path = "uptake/import.html")]
struct ImportPage {
    shell: Shell,
    kinds: Vec<(&'static str, &'static str, bool)>,
    errors: Vec<FieldError>,
    /// Every problem the importer found, one a line, as the command line prints them.
    problems: Option<String>,
    done: Option<String>,
    attribution: &'static str,
}

fn page(shell: Shell, kind: &str) -> ImportPage {
    let kinds = KINDS.iter().map(|(value, label)| (*value, *label, *value == kind)).collect();
    ImportPage { shell, kinds, errors: Vec::new(), problems: None, done: None, attribution: ATTRIBUTION }
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> Response {
    match Shell::for_user(&state, &user, "Load published data", "/network/uptake").await {
        Ok(shell) => render(&page(shell, "pomi")).into_response(),
        Err(error) => failure::page(error),
    }
}

/// What the form sent: its token, the kind chosen and the file, already on disk.
struct Upload {
    csrf: String,
    kind: String,
    file: Option<tempfile::NamedTempFile>,
    name: String,
}

async fn receive(mut multipart: Multipart) -> Result<Upload, String> {
    let mut upload = Upload { csrf: String::new(), kind: String::new(), file: None, name: String::new() };
    while let Some(mut field) =
        multipart.next_field().await.map_err(|e| format!("the upload stopped: {e}"))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = field.text().await.map_err(|e| e.to_string())?,
            "kind" => upload.kind = field.text().await.map_err(|e| e.to_string())?,
            "file" => {
                upload.name = field.file_name().unwrap_or_default().to_owned();
                // The readers tell a .zip or .gz from a plain CSV by its name, so keep the ending.
                let suffix = [".csv.gz", ".zip", ".gz", ".csv"]
                    .into_iter()
                    .find(|s| upload.name.to_ascii_lowercase().ends_with(s))
                    .unwrap_or(".csv");
                let mut file = tempfile::Builder::new()
                    .suffix(suffix)
                    .tempfile()
                    .map_err(|e| format!("no room for the file: {e}"))?;
                let mut bytes = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(|e| format!("the upload stopped: {e}"))? {
                    bytes += chunk.len();
                    file.write_all(&chunk).map_err(|e| format!("no room for the file: {e}"))?;
                }
                if bytes > 0 {
                    upload.file = Some(file);
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn submit(State(state): State<AppState>, user: CurrentUser, request: Request) -> Response {
    let multipart_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart_form {
        return not_multipart(&user, request).await;
    }
    let multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(rejection) => return (StatusCode::BAD_REQUEST, rejection.body_text()).into_response(),
    };
    let shell = match Shell::for_user(&state, &user, "Load published data", "/network/uptake").await {
        Ok(shell) => shell,
        Err(error) => return failure::page(error),
    };
    let upload = match receive(multipart).await {
        Ok(upload) => upload,
        Err(reason) => {
            let mut page = page(shell, "pomi");
            page.shell.has_errors = true;
            page.errors = vec![FieldError::new("file", reason.clone())];
            page.problems = Some(reason);
            return (StatusCode::BAD_REQUEST, render(&page)).into_response();
        }
    };
    let token = Form::parse(format!("csrf={}", upload.csrf).as_bytes());
    if let Some(refusal) = csrf::rejected(&user, &token) {
        return refusal;
    }
    let mut page = page(shell, &upload.kind);
    let refused = |mut page: ImportPage, field: &'static str, reason: String| {
        page.shell.has_errors = true;
        page.errors = vec![FieldError::new(field, reason.lines().next().unwrap_or_default())];
        page.problems = Some(reason);
        (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
    };
    if !KINDS.iter().any(|(kind, _)| *kind == upload.kind) {
        return refused(page, "kind", "Choose which kind of file this is".to_owned());
    }
    let Some(file) = upload.file else {
        return refused(page, "file", "Choose a file to load".to_owned());
    };
    match import(state.store.clone(), upload.kind.clone(), file.path().to_owned(), user.actor()).await {
        Ok(summary) => {
            page.done = Some(format!("{}\n{summary}", upload.name));
            render(&page).into_response()
        }
        Err(reason) => refused(page, "file", format!("Nothing was loaded from {}: {reason}", upload.name)),
    }
}

/// Only the page's own multipart form carries a file. Any other form is refused as a form without the
/// page's token is (403); one that does carry the token is the wrong kind of form (415).
async fn not_multipart(user: &CurrentUser, request: Request) -> Response {
    let body = axum::body::to_bytes(request.into_body(), crate::MAX_BODY_BYTES).await.unwrap_or_default();
    match csrf::rejected(user, &Form::parse(&body)) {
        Some(refusal) => refusal,
        None => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send the file with the page's upload form.").into_response()
        }
    }
}
