//! The committed `openapi.json` must be what the server serves; regenerate it with
//! `cargo run -- openapi > crates/lantern-web/openapi.json` (or `UPDATE_OPENAPI=1 cargo test`).

#[test]
fn committed_openapi_document_is_current() {
    let generated = serde_json::to_string_pretty(&lantern_web::openapi_document()).expect("serialise") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "crates/lantern-web/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p lantern-web --test openapi` and commit it"
    );
}

#[test]
fn every_route_documents_its_errors() {
    let document = serde_json::to_value(lantern_web::openapi_document()).expect("serialise");
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/episodes") && paths.contains_key("/api/v1/episodes/{id}/history"));
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().expect("operations") {
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|code| code.starts_with('2')),
                "{method} {path} has no success response"
            );
        }
    }
}
