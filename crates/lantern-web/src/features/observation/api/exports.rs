//! Exports for analysis tools: tasks as tidy CSV, field notes as plain text per session (for QualCoder,
//! Taguette or NVivo), and the study's codebook. People appear only as ids; every export is audited
//! with what it held, never the notes' words. CSV cells that a spreadsheet would run as formulas are
//! neutralised.

use crate::access::reach::study_in_reach;
use crate::auth::CurrentUser;
use crate::http::csv::csv_response;
use crate::http::error::ApiError;
use crate::http::error::ErrorBody;
use crate::services::measures::csv::escape;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use lantern_core::audit::AuditEntry;
use std::fmt::Write;
use uuid::Uuid;

fn row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
    let _ = writeln!(out, "{}", cells.join(","));
}

#[utoipa::path(get, path = "/api/v1/studies/{id}/tasks.csv", tag = "observation", params(("id" = Uuid, Path)),
    description = "One row per task: session, practice, observer and staff ids, template version, start, end, observed seconds (pauses left out), whether it was closed at the session's end, and one column per dimension (every dimension any template version has had).",
    responses((status = 200, content_type = "text/csv", description = "Tidy CSV of tasks"), (status = 404, body = ErrorBody)))]
pub async fn tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let study = study_in_reach(&state.store, &user, &id).await?;
    let mut dimensions: Vec<String> = Vec::new();
    for template in state.store.templates(study.study.id).await? {
        for d in template.dimensions() {
            if !dimensions.contains(&d.code) {
                dimensions.push(d.code.clone());
            }
        }
    }
    let timelines = state.store.study_timelines(study.study.id).await?;
    let mut out = String::new();
    let mut header: Vec<String> = ["session", "practice", "observer", "staff", "template_version", "task"]
        .into_iter()
        .chain(["started_at", "ended_at", "seconds", "closed_at_end"])
        .map(str::to_owned)
        .collect();
    header.extend(dimensions.iter().cloned());
    row(&mut out, &header);
    let now = Timestamp::now();
    let mut count = 0;
    for s in &timelines {
        let observed = s.timeline.observed(now);
        let info = observed.info();
        for task in observed.tasks() {
            let mut cells = vec![
                info.id.to_string(),
                info.practice.to_string(),
                info.observer.to_string(),
                info.staff.to_string(),
                observed.template_version().to_string(),
                task.id.to_string(),
                task.span.start.to_string(),
                task.span.end.to_string(),
                format!("{:.1}", observed.task_seconds(task)),
                task.closed_at_end.to_string(),
            ];
            cells.extend(dimensions.iter().map(|d| task.values.get(d).cloned().unwrap_or_default()));
            row(&mut out, &cells);
            count += 1;
        }
    }
    let what = serde_json::json!({ "sessions": timelines.len(), "tasks": count });
    let entry = AuditEntry::new(&user.actor(), "export.observation.tasks")
        .record("observation_study", study.study.id);
    state.store.audit(entry.after(&what)).await?;
    Ok(csv_response(&format!("lantern-study-{}-tasks.csv", study.study.id), out))
}

#[utoipa::path(get, path = "/api/v1/studies/{id}/notes/{session}", tag = "observation",
    params(("id" = Uuid, Path), ("session" = String, Path, description = "The session id, optionally followed by `.txt`")),
    description = "A session's field notes as plain text, each line stamped with the time since the session started and the UTC instant.",
    responses((status = 200, content_type = "text/plain", description = "Field notes"), (status = 404, body = ErrorBody)))]
pub async fn notes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, session)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let study = study_in_reach(&state.store, &user, &id).await?;
    let raw = session.strip_suffix(".txt").unwrap_or(&session);
    let missing = || ApiError::NotFound(format!("session {raw} not found"));
    let session_id = Uuid::parse_str(raw).map_err(|_| missing())?;
    let stored = state.store.session_timeline(session_id).await.map_err(|_| missing())?;
    let info = stored.timeline.info();
    if info.study != study.study.id {
        return Err(missing());
    }
    let mut out = String::new();
    let _ = writeln!(out, "Lantern field notes");
    let _ = writeln!(out, "Study: {} ({})", study.study.name, study.study.id);
    let _ = writeln!(out, "Session: {}", info.id);
    let _ = writeln!(out, "Practice: {}", info.practice);
    let _ = writeln!(out, "Observer: {}", info.observer);
    let _ = writeln!(out, "Staff observed: {}", info.staff);
    let _ = writeln!(out, "Started: {}", info.started_at);
    if let Some(ended) = stored.timeline.ended_at() {
        let _ = writeln!(out, "Ended: {ended}");
    }
    let _ = writeln!(out, "Template version: {}", stored.session.template_version);
    for note in stored.timeline.notes() {
        let offset = (note.at.as_second() - info.started_at.as_second()).max(0);
        let (h, m, s) = (offset / 3600, offset / 60 % 60, offset % 60);
        // Continuation lines are indented so every note still starts with its stamp.
        let text = note.text.lines().collect::<Vec<_>>().join("\n    ");
        let _ = write!(out, "\n[{h:02}:{m:02}:{s:02} | {}] {text}\n", note.at);
    }
    let what = serde_json::json!({ "session": info.id, "notes": stored.timeline.notes().len() });
    let entry = AuditEntry::new(&user.actor(), "export.observation.notes")
        .record("observation_session", info.id)
        .practice(&info.practice);
    state.store.audit(entry.after(&what)).await?;
    let filename = format!("lantern-notes-{}.txt", info.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        out,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/studies/{id}/codebook.csv", tag = "observation", params(("id" = Uuid, Path)),
    description = "Every category of every dimension of every template version: template_version, dimension, dimension_label, category, label, digital_help.",
    responses((status = 200, content_type = "text/csv", description = "The study's codebook"), (status = 404, body = ErrorBody)))]
pub async fn codebook(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let study = study_in_reach(&state.store, &user, &id).await?;
    let templates = state.store.templates(study.study.id).await?;
    let mut out = String::new();
    let header = ["template_version", "dimension", "dimension_label", "category", "label", "digital_help"];
    row(&mut out, &header.map(str::to_owned));
    let mut count = 0;
    for template in &templates {
        for d in template.dimensions() {
            for c in &d.categories {
                let cells = [
                    template.version().to_string(),
                    d.code.clone(),
                    d.label.clone(),
                    c.code.clone(),
                    c.label.clone(),
                    c.digital_help.to_string(),
                ];
                row(&mut out, &cells);
                count += 1;
            }
        }
    }
    let what = serde_json::json!({ "template_versions": templates.len(), "categories": count });
    let entry = AuditEntry::new(&user.actor(), "export.observation.codebook")
        .record("observation_study", study.study.id);
    state.store.audit(entry.after(&what)).await?;
    Ok(csv_response(&format!("lantern-study-{}-codebook.csv", study.study.id), out))
}
