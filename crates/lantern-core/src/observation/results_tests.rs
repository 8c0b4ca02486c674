use super::*;
use crate::observation::ci::wilson;
use crate::observation::session::Timeline;
use crate::observation::test_support::*;
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// 0–120 s, paused 60–80 s, so 100 s observed. Troubleshoot 0–50 s; phone triage 30–70 s (30 s of it
/// observed); create account 90–110 s. Interruptions at 40 s and 95 s.
fn worked_session() -> Session {
    let mut s = Session::new();
    s.start_task(0, "a", "troubleshoot").start_task(30, "b", "phone_triage").event(40, interruption("phone"));
    s.end_task(50, "a").event(60, paused()).end_task(70, "b").event(80, resumed());
    s.start_task(90, "c", "create_account").event(95, interruption("patient")).end_task(110, "c");
    s.event(120, ended());
    s
}

#[test]
fn rates_durations_and_multitasking_leave_paused_time_out() {
    let s = worked_session();
    let r = summarise(&[s.observed()], &s.template, SliceLength::default()).expect("summary");
    assert_eq!((r.sessions, r.observed_seconds, r.tasks, r.tasks_closed_at_end), (1, 100.0, 3, 0));
    // 3 tasks in 100 s = 108 an hour; 2 interruptions = 72 an hour.
    assert!(close(r.tasks_per_hour.expect("rate"), 108.0));
    assert!(close(r.interruptions_per_hour.expect("rate"), 72.0));
    assert_eq!(r.interruptions_by_source.get("phone"), Some(&1));
    // Observed durations 50, 30 and 20 s: mean 33.3 s.
    assert!(close(r.mean_task_seconds.expect("tasks"), 100.0 / 3.0));
    // Troubleshooting and phone triage overlap 30–50 s.
    assert_eq!((r.multitasking_seconds, r.multitasking_share), (20.0, Some(0.2)));
}

#[test]
fn shares_of_time_come_from_slices_with_intervals_on_effective_slices() {
    let s = worked_session();
    let r = summarise(&[s.observed()], &s.template, SliceLength::default()).expect("summary");
    // Midpoints 5..115 s; 65 and 75 are paused. What: T T T P P P | N C C N (P is the later task at 35).
    assert_eq!(r.slices, 10);
    let what = &r.dimensions[0];
    let share = |code: &str| what.shares.iter().find(|s| s.category == code).expect("category");
    let slices: Vec<usize> =
        ["troubleshoot", "phone_triage", "create_account", NO_TASK].iter().map(|c| share(c).slices).collect();
    assert_eq!(slices, [3, 3, 2, 2]);
    assert_eq!(what.shares.last().map(|s| s.category.as_str()), Some(NO_TASK));
    // Troubleshoot over the 8 adjacent pairs: in→in 2, in→out 1, out→out 5. p01 = 0, p10 = 1/3,
    // r = 2/3, n_eff = 10 · (1/3) / (5/3) = 2.
    let t = share("troubleshoot");
    assert!(close(t.proportion, 0.3) && close(t.effective_slices, 2.0));
    assert_eq!(t.interval, wilson(0.3, t.effective_slices));
    // Never seen: the fallback is the 5 runs (T, P, N, C, N).
    assert_eq!(share("verify_identity").effective_slices, 5.0);
    assert_eq!(share("verify_identity").interval.map(|i| i.low), Some(0.0));
    // With whom: every task was with a patient.
    let with_whom: Vec<_> =
        r.dimensions[1].shares.iter().filter(|s| s.slices > 0).map(|s| s.slices).collect();
    assert_eq!(with_whom, [8, 2]);
}

#[test]
fn sessions_coded_with_another_template_version_are_refused() {
    let s = worked_session();
    let mut dims = s.template.dimensions().to_vec();
    dims[0].categories.push(crate::observation::Category::new("post", "Post"));
    let v2 = s.template.revise(dims).expect("valid");
    assert_eq!(
        summarise(&[s.observed()], &v2, SliceLength::default()),
        Err(ResultsError::TemplateVersion { session: s.info.id, expected: 2, found: 1 })
    );
}

#[test]
fn no_observed_time_gives_no_rates() {
    let mut s = Session::new();
    s.event(0, ended());
    let r = summarise(&[s.observed()], &s.template, SliceLength::default()).expect("summary");
    assert_eq!(
        (r.slices, r.tasks_per_hour, r.mean_task_seconds, r.multitasking_share),
        (0, None, None, None)
    );
    assert!(r.dimensions[0].shares.iter().all(|s| s.interval.is_none() && s.proportion == 0.0));
}

proptest! {
    #[test]
    fn proportions_sum_to_one_and_intervals_hold_them(events in session_events(), seconds in 1u32..30) {
        let s = Session::new();
        let observed = Timeline::from_events(s.info.clone(), s.template.clone(), events)
            .expect("valid")
            .observed(at(2_000));
        let r = summarise(&[observed], &s.template, SliceLength::seconds(seconds).expect("length"))
            .expect("summary");
        prop_assert!(r.multitasking_seconds <= r.observed_seconds + 1e-9);
        for dimension in &r.dimensions {
            let slices: usize = dimension.shares.iter().map(|s| s.slices).sum();
            prop_assert_eq!(slices, r.slices);
            if r.slices > 0 {
                let total: f64 = dimension.shares.iter().map(|s| s.proportion).sum();
                prop_assert!((total - 1.0).abs() < 1e-9, "{} sums to {}", dimension.dimension, total);
            }
            for share in &dimension.shares {
                if let Some(i) = share.interval {
                    prop_assert!(i.low <= share.proportion + 1e-12 && share.proportion <= i.high + 1e-12);
                    prop_assert!(share.effective_slices >= 1.0 && share.effective_slices <= r.slices as f64);
                }
            }
        }
    }
}
