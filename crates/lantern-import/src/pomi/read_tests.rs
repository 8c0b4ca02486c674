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
        row("30APR2018", "B8-2007", "TPP", "Total_Use", "-3"),
        row("30APR2018", "B82007", "TPP", "Sys_Appts_Enbld", "7"),
        row("30APR2018", "B82007", "TPP", "Total_Pat_Enbld", "101"),
        row("30APR2018", "B82007", "EMIS", "Total_Use", "5"),
        "30APR2018,Y54\r\n".to_owned(),
    ]);
    assert_eq!(
        found,
        [
            "line 3, column field: \"Total_Pat_Enabled\" is not a POMI field (such as Total_Pat_Enbld)",
            "line 4, column practice_code: \"B8-2007\" is not an ODS code (3 to 10 letters and digits, such as A81001)",
            "line 4, column value: -3 is negative; POMI values are counts or statuses",
            "line 5, column value: 7 is not a known status; a Sys_* status is 0, 1 or 2",
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
