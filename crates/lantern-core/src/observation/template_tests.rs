use super::*;

#[test]
fn default_template_is_valid_and_marks_only_episode_tasks_as_help() {
    let t = Template::default_template();
    assert_eq!(validate(t.dimensions()), Ok(()));
    assert_eq!(t.version(), 1);
    let what = t.dimension("what").expect("what");
    assert_eq!(what.categories.iter().filter(|c| c.digital_help).count(), TASKS.terms.len());
    assert!(!what.category("phone_triage").expect("triage").digital_help);
    assert!(t.dimensions().iter().skip(1).all(|d| d.categories.iter().all(|c| !c.digital_help)));
}

#[test]
fn edits_make_a_new_version_but_no_change_does_not() {
    let t = Template::default_template();
    let mut dims = t.dimensions().to_vec();
    assert_eq!(t.revise(dims.clone()).expect("same").version(), 1);
    dims[3].categories.push(Category::new("waiting_room", "Waiting room"));
    let v2 = t.revise(dims).expect("valid");
    assert_eq!(v2.version(), 2);
    assert!(v2.dimension("where").and_then(|d| d.category("waiting_room")).is_some());
}

#[test]
fn invalid_templates_are_refused() {
    let c = Category::new;
    let d = |code: &str, cats| Dimension::new(code, "Label", cats);
    assert_eq!(Template::new(vec![]), Err(TemplateError::NoDimensions));
    assert_eq!(
        Template::new(vec![d("what", vec![])]),
        Err(TemplateError::NoCategories { dimension: "what".into() })
    );
    assert_eq!(
        Template::new(vec![d("what", vec![c("a", "A")]), d("what", vec![c("b", "B")])]),
        Err(TemplateError::DuplicateDimension("what".into()))
    );
    assert_eq!(
        Template::new(vec![d("what", vec![c("a", "A"), c("a", "Again")])]),
        Err(TemplateError::DuplicateCategory { dimension: "what".into(), category: "a".into() })
    );
    assert_eq!(Template::new(vec![d("What", vec![c("a", "A")])]), Err(TemplateError::BadCode("What".into())));
    assert_eq!(Template::new(vec![d("w", vec![c("a", " ")])]), Err(TemplateError::NoLabel("a".into())));
    // Labels are typed by researchers and exported with the data: screened like any free text.
    for label in ["Mrs Jones 943\u{200B}476\u{200B}5919", "Desk\u{202E}A"] {
        let refused = Template::new(vec![d("w", vec![c("a", label)])]);
        assert!(matches!(refused, Err(TemplateError::Label { ref code, .. }) if code == "a"), "{refused:?}");
    }
    assert_eq!(
        Template::new(vec![d("w", vec![c(NO_TASK, "None")])]),
        Err(TemplateError::ReservedCode(NO_TASK.into()))
    );
}

#[test]
fn loading_a_stored_template_validates_it() {
    let json = r#"{"version":3,"dimensions":[{"code":"w","label":"W","categories":[]}]}"#;
    assert!(serde_json::from_str::<Template>(json).is_err());
    let t = Template::default_template();
    let back: Template =
        serde_json::from_str(&serde_json::to_string(&t).expect("serialise")).expect("deserialise");
    assert_eq!(back, t);
}

#[test]
fn values_must_name_one_known_category_per_dimension() {
    let t = Template::default_template();
    let mut v: BTreeMap<String, String> = [
        ("what", "troubleshoot"),
        ("with_whom", "patient"),
        ("how", "patient_device"),
        ("where", "front_desk"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(t.check_values(&v), Ok(()));
    assert!(t.is_digital_help(&v));
    v.insert("what".into(), "paper_filing".into());
    assert_eq!(
        t.check_values(&v),
        Err(ValuesError::UnknownCategory { dimension: "what".into(), category: "paper_filing".into() })
    );
    v.remove("what");
    assert_eq!(t.check_values(&v), Err(ValuesError::Missing("what".into())));
    v.insert("mood".into(), "calm".into());
    assert_eq!(t.check_values(&v), Err(ValuesError::UnknownDimension("mood".into())));
}
