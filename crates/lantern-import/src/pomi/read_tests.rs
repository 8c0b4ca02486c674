use super::tally_pomi;

const HEADER: &str =
    "report_period_end,region_code,region_name,subregion_code,subregion_name,ccg_code,ccg_name,\
practice_code,practice_name,system_supplier,field,value\r\n";

fn row(date: &str, practice: &str, supplier: &str, field: &str, value: &str) -> String {
    format!("{date},Y54,NORTH,Q72,YORKS,02N,\"NHS Airedale, Wharfedale and Craven CCG\",{practice},A SURGERY,{supplier},{field},{value}\r\n")
}

fn problems(rows: &[String]) -> Vec<String> {
    let text = format!("{HEADER}{}", rows.concat());
    match tally_pomi(text.as_bytes()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_bad_cell_is_named_and_reading_goes_on() {
    let found = problems(&[
        row("30APR2018", "B82007", "TPP", "Total_Pat_Enbld", "100"),
        row("30APR2018", "B82007", "TPP", "Total_Pat_Enabled", "100"),
        row("30APR2018", "B8-2007", "TPP", "Total_Use", "-3.5"),
        row("30APR2018", "B82007", "TPP", "Sys_Appts_Enbld", "two"),
        row("30APR2018", "B82007", "TPP", "Total_Pat_Enbld", "101"),
        row("30APR2018", "B82007", "EMIS", "Total_Use", "5"),
        "30APR2018,Y54\r\n".to_owned(),
    ]);
    assert_eq!(
        found,
        [
            "line 3, column field: \"Total_Pat_Enabled\" is not a POMI field (such as Total_Pat_Enbld)",
            "line 4, column practice_code: \"B8-2007\" is not an ODS code (3 to 10 letters and digits, such as A81001)",
            "line 4, column value: \"-3.5\" is not a whole number",
            "line 5, column value: \"two\" is not a whole number",
            "line 6, column field: B82007 already has Total_Pat_Enbld for 2018-04 (its rows start on line 2); \
             each field may appear once per practice and month",
            "line 7, column system_supplier: B82007's rows for 2018-04 disagree: \"EMIS\" here but \"TPP\" on line 2",
            "line 8: This row has 2 fields but the header has 12; look for a missing or extra comma or an unclosed quote",
        ]
    );
}

#[test]
fn blank_values_and_months_of_either_era_are_accepted() {
    let text = format!(
        "{HEADER}{}{}",
        row("30APR2018", "B82007", "TPP", "Total_Use", ""),
        row("31-Dec-23", "B82007", "TPP", "Total_Use", "4")
    );
    let file = tally_pomi(text.as_bytes()).expect("reads").finish();
    let months: Vec<(&str, Option<i64>)> = file
        .months
        .iter()
        .map(|m| (m.period.as_str(), m.values.get(lantern_core::uptake::PomiField::TotalUse)))
        .collect();
    assert_eq!(months, [("2018-04", None), ("2023-12", Some(4))]);
    assert_eq!(file.stats.flags.get("blank_value"), Some(&1));
    assert_eq!(file.stats.flags.get("missing_field"), Some(&24), "12 fields absent in each month");
}

#[test]
fn an_empty_file_or_a_header_alone_is_refused() {
    assert_eq!(
        tally_pomi(&b""[..]).expect_err("empty").to_string(),
        "line 1: The file is empty; line 1 must be the header row"
    );
    assert_eq!(
        tally_pomi(HEADER.as_bytes()).expect_err("no rows").to_string(),
        "line 2: The file has a header row but no data rows"
    );
}

#[test]
fn impossible_values_are_kept_as_published_and_flagged_with_their_line() {
    let text = format!(
        "{HEADER}{}{}{}{}",
        row("30APR2018", "B82007", "TPP", "patient_list_size", "900"),
        row("30APR2018", "B82007", "TPP", "Total_Use", "-3"),
        row("30APR2018", "B82007", "TPP", "Sys_Appts_Enbld", "7"),
        row("30APR2018", "B82007", "TPP", "Total_Pat_Enbld", "901"),
    );
    let file = tally_pomi(text.as_bytes()).expect("a value is never refused").finish();
    let values = &file.months[0].values;
    use lantern_core::uptake::PomiField;
    assert_eq!((values.get(PomiField::TotalUse), values.get(PomiField::SysApptsEnbld)), (Some(-3), Some(7)));
    let details: Vec<(&str, &str)> = file
        .flags
        .iter()
        .filter(|f| f.kind != "missing_field")
        .map(|f| (f.kind.as_str(), f.detail.as_str()))
        .collect();
    assert_eq!(
        details,
        [
            ("enabled_above_list", "line 5: 901 enabled but 900 on the list; its share is capped at 100%"),
            (
                "negative_value",
                "line 3: -3 is below zero; kept as published, left out of sums and rates as unknown"
            ),
            (
                "unknown_status",
                "line 4: 7 is not a status POMI defines (0, 1 or 2); kept as published, the service not \
                 counted as switched on"
            ),
        ]
    );
    assert_eq!(
        file.stats.flag_examples["negative_value"],
        ["line 3, B82007 2018-04 Total_Use: -3 is below zero; kept as published, left out of sums and rates as unknown"]
    );
    let missing = &file.stats.flag_examples["missing_field"];
    assert_eq!(missing.len(), crate::reference::FLAG_EXAMPLES, "the first few, the rest counted");
    assert!(missing[0].starts_with("rows from line 2, B82007 2018-04 "), "{missing:?}");
}

proptest::proptest! {
    /// The quick readings of a value and a field agree with the full ones wherever they answer.
    #[test]
    fn quick_readings_agree_with_the_full_ones(
        value in "[-+ 0-9a]{0,21}",
        field in proptest::sample::select(
            lantern_core::uptake::PomiField::ALL.iter().map(|f| f.name()).collect::<Vec<_>>()),
        upper in proptest::bool::ANY,
    ) {
        if let Some(quick) = super::plain_number(value.as_bytes()) {
            proptest::prop_assert_eq!(Some(quick), value.trim().parse::<i64>().ok());
        }
        let spelt = if upper { field.to_ascii_uppercase() } else { field.to_owned() };
        if let Some(quick) = super::exact_field(spelt.as_bytes()) {
            proptest::prop_assert_eq!(Some(quick), lantern_core::uptake::PomiField::parse(&spelt));
        }
    }
}

#[test]
fn quick_readings_answer_the_usual_cells() {
    assert_eq!(super::plain_number(b"416"), Some(416));
    assert_eq!(super::plain_number(b"-3"), Some(-3));
    assert_eq!(super::plain_number(b"999999999999999999"), Some(999_999_999_999_999_999));
    assert_eq!(super::plain_number(b"9223372036854775807"), None, "19 digits: the full reading decides");
    assert_eq!(super::plain_number(b" 4"), None);
    assert_eq!(
        super::exact_field(b"Pat_DetCodeRec_Use"),
        Some(lantern_core::uptake::PomiField::PatDetCodeRecUse)
    );
    assert_eq!(super::exact_field(b"pat_detcoderec_use"), None, "other spellings: the full reading decides");
}

/// A practice-month made whole late (its last row at the end of the file) still has its flags listed
/// by their own lines: the first few of a kind are the first few in the file, not the first noted.
#[test]
fn flag_examples_are_the_first_by_line_whatever_order_months_are_whole_in() {
    use lantern_core::uptake::PomiField;
    let rows_of = |practice: &str, negative: bool| -> Vec<String> {
        PomiField::ALL
            .iter()
            .map(|f| {
                let value = if negative && *f == PomiField::TotalUse { "-1" } else { "0" };
                row("30APR2018", practice, "TPP", f.name(), value)
            })
            .collect()
    };
    let late = rows_of("A00001", true);
    let (late_head, late_tail) = late.split_at(PomiField::COUNT - 1);
    let mut rows: Vec<String> = late_head.to_vec();
    for i in 2..=8 {
        rows.extend(rows_of(&format!("A0000{i}"), true));
    }
    rows.extend(late_tail.to_vec());
    // The late month's Total_Use is on line 5, before every other practice's.
    let total_use_at = PomiField::ALL.iter().position(|f| *f == PomiField::TotalUse).expect("a field");
    assert_eq!(total_use_at + 2, 5);
    let text = format!("{HEADER}{}", rows.concat());
    let taken = std::sync::Mutex::new(0usize);
    let take = |whole: super::Whole| {
        *taken.lock().expect("lock") += whole.len();
        true
    };
    let file = super::tally_pomi_taking(text.as_bytes(), Some(&take)).expect("reads").finish();
    assert_eq!(*taken.lock().expect("lock"), 8, "every practice-month taken while reading");
    let lines: Vec<&str> = file.stats.flag_examples["negative_value"]
        .iter()
        .map(|e| e.split(',').next().unwrap_or_default())
        .collect();
    // Naively: the negative values' lines in the file, in order, the first five.
    let mut expected: Vec<usize> =
        rows.iter().enumerate().filter(|(_, r)| r.contains(",Total_Use,-1")).map(|(i, _)| i + 2).collect();
    expected.sort_unstable();
    let expected: Vec<String> =
        expected.iter().take(crate::reference::FLAG_EXAMPLES).map(|l| format!("line {l}")).collect();
    assert_eq!(lines, expected);
    assert_eq!(file.stats.flags["negative_value"], 8);
}
