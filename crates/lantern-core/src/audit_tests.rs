use super::*;

fn chain(n: i64) -> Vec<AuditRecord> {
    let actor = Actor::system("test");
    let mut out: Vec<AuditRecord> = Vec::new();
    for seq in 1..=n {
        let prev = out.last().map_or(GENESIS.to_owned(), |r| r.hash.clone());
        let entry = AuditEntry::new(&actor, "episode.create")
            .record("episode", seq)
            .after(&serde_json::json!({ "n": seq }));
        out.push(entry.chain(seq, &prev));
    }
    out
}

#[test]
fn an_intact_chain_verifies() {
    let records = chain(5);
    let head = records.last().map(|r| (r.seq, r.hash.as_str()));
    assert_eq!(verify(&records, head), Ok(5));
}

#[test]
fn altering_any_field_is_detected_at_that_record() {
    let mut records = chain(5);
    records[2].after = Some(r#"{"n":99}"#.into());
    let head = records.last().map(|r| (r.seq, r.hash.clone()));
    let result = verify(&records, head.as_ref().map(|(s, h)| (*s, h.as_str())));
    assert_eq!(result.map_err(|b| b.seq), Err(3));
}

#[test]
fn rehashing_an_altered_record_breaks_the_next_link() {
    let mut records = chain(5);
    records[1].actor.username = "someone-else".into();
    records[1].hash = record_hash(&records[1]);
    assert_eq!(verify(&records, None).map_err(|b| b.seq), Err(3));
}

#[test]
fn removal_is_detected_in_the_middle_and_at_the_end() {
    let mut records = chain(5);
    let head = (5, records[4].hash.clone());
    records.remove(1);
    assert_eq!(verify(&records, Some((head.0, &head.1))).map_err(|b| b.seq), Err(3));
    let mut truncated = chain(5);
    truncated.pop();
    assert_eq!(verify(&truncated, Some((head.0, &head.1))).map_err(|b| b.seq), Err(5));
}

#[test]
fn field_boundaries_cannot_be_shifted() {
    let actor = Actor::system("t");
    let a = AuditEntry::new(&actor, "ab").record("c", "d");
    let mut b = a.clone();
    b.action = "a".into();
    b.record_type = Some("bc".into());
    assert_ne!(a.chain(1, GENESIS).hash, b.chain(1, GENESIS).hash);
}

/// A chain whose records alternate between every optional field filled and every one empty, so each
/// field is altered both from a value and from nothing.
fn varied_chain(n: i64, text: &str) -> Vec<AuditRecord> {
    let mut out: Vec<AuditRecord> = Vec::new();
    for seq in 1..=n {
        let prev = out.last().map_or(GENESIS.to_owned(), |r| r.hash.clone());
        let entry = if seq % 2 == 1 {
            let actor = Actor {
                user_id: Some(format!("user-{seq}")),
                username: format!("{text}{seq}"),
                role: "staff".into(),
                organisation: Some("A81001".into()),
                client: Some("192.0.2.7".into()),
            };
            AuditEntry::new(&actor, "episode.edit")
                .record("episode", seq)
                .practice("A81001")
                .before(&serde_json::json!({ "n": seq, "text": text }))
                .after(&serde_json::json!({ "n": seq + 1 }))
        } else {
            AuditEntry::new(&Actor::system(text), "export.episodes")
        };
        out.push(entry.chain(seq, &prev));
    }
    out
}

fn changed(value: &str) -> String {
    format!("{value}x")
}

fn toggled(value: Option<&String>) -> Option<String> {
    value.map_or_else(|| Some("x".to_owned()), |_| None)
}

/// Every field of `r` altered in turn (optional ones both changed and emptied or filled), named.
fn alterations(r: &AuditRecord) -> Vec<(String, AuditRecord)> {
    type Field = fn(&mut AuditRecord) -> &mut Option<String>;
    let mut out = Vec::new();
    let mut push = |name: &str, f: &dyn Fn(&mut AuditRecord)| {
        let mut altered = r.clone();
        f(&mut altered);
        out.push((name.to_owned(), altered));
    };
    push("seq", &|a| a.seq += 100);
    push("at", &|a| a.at = changed(&a.at));
    push("username", &|a| a.actor.username = changed(&a.actor.username));
    push("role", &|a| a.actor.role = changed(&a.actor.role));
    push("action", &|a| a.action = changed(&a.action));
    push("prev_hash", &|a| a.prev_hash = changed(&a.prev_hash));
    push("hash", &|a| a.hash = changed(&a.hash));
    let optional: [(&str, Field); 8] = [
        ("user_id", |a| &mut a.actor.user_id),
        ("organisation", |a| &mut a.actor.organisation),
        ("client", |a| &mut a.actor.client),
        ("record_type", |a| &mut a.record_type),
        ("record_id", |a| &mut a.record_id),
        ("practice", |a| &mut a.practice),
        ("before", |a| &mut a.before),
        ("after", |a| &mut a.after),
    ];
    for (name, field) in optional {
        push(&format!("{name} emptied or filled"), &|a| {
            let new = toggled(field(a).as_ref());
            *field(a) = new;
        });
        push(&format!("{name} changed"), &|a| {
            let new = field(a).as_deref().map_or_else(|| "y".to_owned(), changed);
            *field(a) = Some(new);
        });
    }
    out
}

/// The break names record `seq`: it is the record reported, or the one reported missing.
fn names(found: &Result<i64, ChainBreak>, seq: i64) -> bool {
    found.as_ref().is_err_and(|b| b.seq == seq || b.reason.contains(&format!("expected record {seq} next")))
}

fn head_of(records: &[AuditRecord]) -> (i64, String) {
    records.last().map_or((0, GENESIS.to_owned()), |r| (r.seq, r.hash.clone()))
}

proptest::proptest! {
    #[test]
    fn every_field_of_every_record_is_covered(n in 1i64..7, text in "[a-zA-Z0-9 {}\":;-]{0,12}") {
        let records = varied_chain(n, &text);
        let (head_seq, head_hash) = head_of(&records);
        let head = Some((head_seq, head_hash.as_str()));
        proptest::prop_assert_eq!(verify(&records, head), Ok(n));
        for k in 1..=n {
            let i = usize::try_from(k - 1).expect("small");
            for (field, altered) in alterations(&records[i]) {
                let mut tampered = records.clone();
                tampered[i] = altered.clone();
                let found = verify(&tampered, head);
                proptest::prop_assert!(names(&found, k), "{} of record {}: {:?}", field, k, found);
                if field == "hash" {
                    continue; // rehashing puts it back as it was
                }
                // Rehashed by someone who knows the scheme: its own number or link, the next record's
                // link, or the recorded head (for the last record) gives it away.
                tampered[i].hash = record_hash(&tampered[i]);
                let found = verify(&tampered, head);
                let expected = if field == "seq" || field == "prev_hash" || k == n { k } else { k + 1 };
                proptest::prop_assert!(names(&found, expected), "{} of record {} rehashed: {:?}", field, k, found);
            }
        }
    }

    #[test]
    fn insertions_removals_and_reorderings_are_named(n in 2i64..7, text in "[a-z]{0,8}") {
        let records = varied_chain(n, &text);
        let (head_seq, head_hash) = head_of(&records);
        let head = Some((head_seq, head_hash.as_str()));
        for k in 1..=n + 1 {
            // A forged record numbered k and linked to the one before, as if written in its place.
            let i = usize::try_from(k - 1).expect("small");
            let prev = if k == 1 { GENESIS.to_owned() } else { records[i - 1].hash.clone() };
            let forged = AuditEntry::new(&Actor::system("forger"), "episode.delete").chain(k, &prev);
            let mut inserted = records.clone();
            inserted.insert(i, forged);
            let found = verify(&inserted, head);
            proptest::prop_assert!(found.as_ref().is_err_and(|b| b.seq == k), "inserted at {}: {:?}", k, found);
        }
        for k in 1..=n {
            let i = usize::try_from(k - 1).expect("small");
            let mut removed = records.clone();
            removed.remove(i);
            let found = verify(&removed, head);
            proptest::prop_assert!(names(&found, k), "removed {}: {:?}", k, found);
            if k < n {
                let mut swapped = records.clone();
                swapped.swap(i, i + 1);
                let found = verify(&swapped, head);
                proptest::prop_assert!(names(&found, k), "swapped {} and {}: {:?}", k, k + 1, found);
                // Swapped and renumbered, so the numbers still run in order.
                swapped[i].seq = k;
                swapped[i + 1].seq = k + 1;
                let found = verify(&swapped, head);
                proptest::prop_assert!(names(&found, k), "reordered {}: {:?}", k, found);
            }
        }
    }
}
