//! The shape of `src/`, checked: every `crate::…` or `super::…` path in a file must point to its own
//! layer or one below, and never from one feature into another. Inside a feature, pages and API ask
//! the same functions, which live in neither: a page never imports its feature's `api`, nor the reverse.
//!
//! `app` → `features` → `access` → `services`/`kit` → `http`/`auth` → the crate root (`AppState`,
//! `clock`). A file's layer is its first folder under `src/`; a feature is a folder under
//! `src/features/`. See the crate's README.md for why.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What each layer may import, besides itself and the crate root.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("app", &["features", "access", "services", "kit", "http", "auth"]),
    ("features", &["access", "services", "kit", "http", "auth"]),
    ("access", &["services", "kit", "http", "auth"]),
    ("services", &["http", "auth"]),
    ("kit", &["http", "auth"]),
    ("http", &["auth"]),
    ("auth", &["http"]),
    ("clock", &[]),
];

/// Names declared in `lib.rs` itself (not re-exported from a layer): everyone may use them.
const ROOT: &str = "root";

#[test]
fn imports_point_down_and_features_stay_apart() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let reexports = root_reexports(&src.join("lib.rs"));
    let mut violations = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src").to_path_buf();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let module = module_path(&relative);
        let text = std::fs::read_to_string(&file).expect("read source");
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for target in paths_in(code, &module) {
                if let Some(why) = judge(&module, &target, &reexports) {
                    violations.push(format!(
                        "src/{}:{}: `{}` {why}\n    {}",
                        relative.display(),
                        number + 1,
                        target.join("::"),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "{} import(s) break the layering (app → features → access → services/kit → http/auth; features never import each other):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The rule holds on a made-up file too, so the test above cannot pass by reading nothing.
#[test]
fn the_checker_catches_an_import_across_features_and_one_upwards() {
    let reexports = HashMap::from([("router".to_owned(), "app".to_owned())]);
    let guides = module_path(Path::new("features/guides/list_page.rs"));
    let across = paths_in("use crate::features::episodes::log_page;", &guides);
    assert!(judge(&guides, &across[0], &reexports).is_some());
    let own = paths_in("use super::view::GuideView;", &guides);
    assert_eq!(own[0], ["features", "guides", "view", "GuideView"]);
    assert!(judge(&guides, &own[0], &reexports).is_none());
    let api = paths_in("use super::api::GuideView;", &guides);
    assert!(judge(&guides, &api[0], &reexports).is_some(), "a page asks its API's functions");
    let handlers = module_path(Path::new("features/guides/api.rs"));
    let page = paths_in("use super::list_page::list;", &handlers);
    assert!(judge(&handlers, &page[0], &reexports).is_some(), "an API asks a page's functions");
    let kit = module_path(Path::new("kit/shell.rs"));
    let upwards = paths_in("use crate::{access::scope, AppState};", &kit);
    assert_eq!(upwards.len(), 2);
    assert!(judge(&kit, &upwards[0], &reexports).is_some());
    assert!(judge(&kit, &upwards[1], &reexports).is_none());
    let sneaky = paths_in("let app = crate::router(state);", &kit);
    assert!(judge(&kit, &sneaky[0], &reexports).is_some(), "a root re-export counts as its layer");
}

fn judge(module: &[String], target: &[String], reexports: &HashMap<String, String>) -> Option<String> {
    let from = module.first().map_or(ROOT, String::as_str);
    let first = target.first()?.as_str();
    let to = if MAY_IMPORT.iter().any(|(layer, _)| *layer == first) {
        first
    } else {
        reexports.get(first).map_or(ROOT, String::as_str)
    };
    if to == ROOT || to == "clock" {
        return None;
    }
    if from == to {
        if from == "features" && module.len() > 1 && target.len() > 1 && module.get(1) != target.get(1) {
            return Some(format!(
                "reaches from feature `{}` into feature `{}`: move what they share down a layer",
                module[1], target[1]
            ));
        }
        if from == "features" && module.get(1) == target.get(1) {
            let part = |path: &[String]| path.get(2).cloned().unwrap_or_default();
            let (here, there) = (part(module), part(target));
            let page = |name: &str| name.ends_with("_page");
            if (page(&here) && there == "api") || (here == "api" && page(&there)) {
                return Some(format!(
                    "joins `{here}` to `{there}` in feature `{}`: pages and API share functions kept in neither",
                    module[1]
                ));
            }
        }
        return None;
    }
    let allowed = MAY_IMPORT.iter().find(|(layer, _)| *layer == from).map_or(&[][..], |(_, may)| *may);
    if allowed.contains(&to) {
        None
    } else {
        Some(format!("points from layer `{from}` up (or across) to layer `{to}`"))
    }
}

/// `a/b/mod.rs` is module `a::b`; `a/b.rs` is `a::b`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> =
        relative.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every `crate::…` and `super::…` path on a line, resolved to a path from the crate root; a brace
/// group (`crate::{a::b, c}`) gives one path per member.
fn paths_in(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let start = if rest.starts_with("crate::") || rest.starts_with("super::") { Some(at) } else { None };
        let boundary = at == 0
            || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':');
        if let (Some(start), true) = (start, boundary) {
            let (tree, used) = path_tree(&code[start..]);
            for path in tree {
                if let Some(resolved) = resolve(&path, module) {
                    found.push(resolved);
                }
            }
            at = start + used.max(1);
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` into `[a,b,c]`, `[a,b,d,e]`, and how many bytes it took.
fn path_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut at = 0;
    let bytes = text.as_bytes();
    loop {
        let word_end =
            text[at..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(text.len(), |i| at + i);
        if word_end > at {
            prefix.push(text[at..word_end].to_owned());
        }
        at = word_end;
        if text[at..].starts_with("::{") {
            at += 3;
            let mut all = Vec::new();
            loop {
                while at < text.len() && (bytes[at] == b' ' || bytes[at] == b',') {
                    at += 1;
                }
                if at >= text.len() || bytes[at] == b'}' {
                    break;
                }
                let (inner, used) = path_tree(&text[at..]);
                for path in inner {
                    all.push(prefix.iter().cloned().chain(path).collect());
                }
                at += used.max(1);
            }
            return (all, at + 1);
        }
        if text[at..].starts_with("::") {
            at += 2;
            continue;
        }
        return (vec![prefix], at);
    }
}

fn resolve(path: &[String], module: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut rest = path;
    match path.first()?.as_str() {
        "crate" => {
            base.clear();
            rest = &path[1..];
        }
        "super" => {
            while rest.first().is_some_and(|p| p == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let resolved: Vec<String> =
        base.into_iter().chain(rest.iter().filter(|p| *p != "self").cloned()).collect();
    (!resolved.is_empty()).then_some(resolved)
}

/// `pub use layer::…::{Name, …};` in `lib.rs`: each name belongs to the layer it comes from.
fn root_reexports(lib: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(lib).expect("read lib.rs");
    let mut names = HashMap::new();
    for line in text.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let line = line.trim_end_matches(';');
        let (tree, _) = path_tree(line);
        for path in tree {
            if let (Some(layer), Some(name)) = (path.first(), path.last()) {
                let name = name.split(" as ").last().unwrap_or(name).to_owned();
                names.insert(name, layer.clone());
            }
        }
    }
    names
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}
