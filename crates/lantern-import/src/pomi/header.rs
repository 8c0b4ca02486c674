//! POMI's header row. Both long layouts are found by column name, in any case and order: the CCG era
//! (`ccg_code`, `ccg_name`, with `subregion_*` columns) and the sub-ICB era (`sub_ICB_location_code`,
//! `sub_ICB_location_name`, sometimes with `ICB_code`/`ICB_name`). Columns neither layout uses are
//! ignored, since publishers add descriptive columns from time to time.

use crate::episodes_csv::ImportErrors;
use lantern_core::uptake::OrgKind;

/// Where each column the importer reads sits in the row, with the header's own spelling for messages.
#[derive(Debug, Clone)]
pub struct Header {
    pub width: usize,
    pub org_kind: OrgKind,
    names: Vec<String>,
    pub date: usize,
    pub practice: usize,
    pub practice_name: Option<usize>,
    pub supplier: usize,
    pub field: usize,
    pub value: usize,
    pub region: usize,
    pub region_name: Option<usize>,
    pub org: usize,
    pub org_name: Option<usize>,
    pub icb: Option<usize>,
    pub icb_name: Option<usize>,
}

const REQUIRED: [&str; 6] =
    ["report_period_end", "practice_code", "system_supplier", "field", "value", "region_code"];

impl Header {
    pub fn parse<'c>(cells: impl IntoIterator<Item = &'c [u8]>) -> Result<Self, ImportErrors> {
        let names: Vec<String> = cells
            .into_iter()
            .map(|cell| String::from_utf8_lossy(cell).trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| find(c).is_none()).collect();
        let (ccg, sub_icb) = (find("ccg_code"), find("sub_icb_location_code"));
        let org = match (ccg, sub_icb) {
            (Some(_), Some(_)) => return Err(ImportErrors::single(
                1,
                None,
                "The header has both ccg_code and sub_ICB_location_code; a POMI file has one or the other",
            )),
            (Some(at), None) => Some((OrgKind::Ccg, at, find("ccg_name"))),
            (None, Some(at)) => Some((OrgKind::SubIcb, at, find("sub_icb_location_name"))),
            (None, None) => None,
        };
        let (Some((org_kind, org, org_name)), true) = (org, missing.is_empty()) else {
            let mut absent: Vec<&str> = missing;
            if org.is_none() {
                absent.push("ccg_code or sub_ICB_location_code");
            }
            return Err(ImportErrors::single(
                1,
                None,
                format!(
                    "The header has no {} column; this is not a POMI long-format file (expected \
                     report_period_end, region_code, ccg_code or sub_ICB_location_code, practice_code, \
                     system_supplier, field, value)",
                    absent.join(", ")
                ),
            ));
        };
        let at = |wanted: &str| find(wanted).unwrap_or_default();
        Ok(Self {
            width: names.len(),
            org_kind,
            date: at("report_period_end"),
            practice: at("practice_code"),
            practice_name: find("practice_name"),
            supplier: at("system_supplier"),
            field: at("field"),
            value: at("value"),
            region: at("region_code"),
            region_name: find("region_name"),
            org,
            org_name,
            icb: find("icb_code"),
            icb_name: find("icb_name"),
            names,
        })
    }

    /// The column's name as the file spells it.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> Result<Header, ImportErrors> {
        Header::parse(text.split(',').map(str::as_bytes))
    }

    #[test]
    fn both_layouts_are_found_by_name() {
        let ccg = header(
            "report_period_end,region_code,region_name,subregion_code,subregion_name,ccg_code,ccg_name,\
             practice_code,practice_name,system_supplier,field,value",
        )
        .expect("CCG layout");
        assert_eq!(
            (ccg.org_kind, ccg.org, ccg.org_name, ccg.value, ccg.icb),
            (OrgKind::Ccg, 5, Some(6), 11, None)
        );
        let sub_icb = header(
            "report_period_end,region_code,region_name,ICB_code,ICB_name,sub_ICB_location_code,\
             sub_ICB_location_name,practice_code,practice_name,system_supplier,field,value",
        )
        .expect("sub-ICB layout");
        assert_eq!((sub_icb.org_kind, sub_icb.org, sub_icb.icb), (OrgKind::SubIcb, 5, Some(3)));
        assert_eq!(sub_icb.name(sub_icb.org), "sub_ICB_location_code");
    }

    #[test]
    fn a_header_lacking_columns_names_them() {
        let error = header("report_period_end,practice_code,field,value").expect_err("not POMI");
        assert_eq!(
            error.errors[0].to_string(),
            "line 1: The header has no system_supplier, region_code, ccg_code or sub_ICB_location_code \
             column; this is not a POMI long-format file (expected report_period_end, region_code, ccg_code \
             or sub_ICB_location_code, practice_code, system_supplier, field, value)"
        );
    }
}
