//! Uptake tables as CSV: one row per unit and month, counts then rates (percent of registered
//! patients, capped at 100 and marked; transactions per 1,000 registered patients). The CLI's
//! `report uptake --format csv` and the pages' downloads write the same columns.

use lantern_core::uptake::equity::EquityTable;
use lantern_core::uptake::measures::Share;
use lantern_core::uptake::{Service, UnitUptake};

/// RFC 4180 quoting only: numbers stay numbers (a negative change must not gain a formula guard).
fn push_record(out: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn pct(share: Option<Share>) -> (String, String) {
    share.map_or((String::new(), String::new()), |s| {
        (format!("{:.2}", s.percent), if s.capped { "yes" } else { "no" }.to_owned())
    })
}

fn per_1000(rate: Option<f64>) -> String {
    rate.map_or_else(String::new, |r| format!("{r:.1}"))
}

pub fn table_csv(table: &[UnitUptake]) -> String {
    let mut header: Vec<String> = [
        "level",
        "code",
        "name",
        "period",
        "practices",
        "patient_list_size",
        "total_pat_enbld",
        "enabled_pct",
        "enabled_capped",
        "new_pat_enbld",
        "total_use",
        "use_per_1000",
        "practices_enabled_above_list",
    ]
    .map(str::to_owned)
    .to_vec();
    for service in Service::ALL {
        for column in
            ["practices_switched_on", "enabled", "enabled_pct", "enabled_capped", "use", "use_per_1000"]
        {
            header.push(format!("{}_{column}", service.code()));
        }
    }
    let mut out = String::new();
    push_record(&mut out, &header);
    for unit in table {
        let (c, r) = (&unit.counts, &unit.rates);
        let (enabled_pct, enabled_capped) = pct(r.enabled);
        let mut row = vec![
            unit.level.code().to_owned(),
            unit.code.clone(),
            // A spreadsheet would run a name starting with = + - @ as a formula.
            neutralise(unit.name.as_deref().unwrap_or_default()),
            unit.period.clone(),
            c.practices.to_string(),
            c.patient_list_size.to_string(),
            c.total_pat_enbld.to_string(),
            enabled_pct,
            enabled_capped,
            c.new_pat_enbld.to_string(),
            c.total_use.to_string(),
            per_1000(r.use_per_1000),
            c.practices_enabled_above_list.to_string(),
        ];
        for service in Service::ALL {
            let counts = c.service(service);
            let rates = r.service(service);
            let (enabled_pct, capped) = pct(rates.enabled);
            row.extend([
                counts.practices_switched_on.to_string(),
                counts.enabled.to_string(),
                enabled_pct,
                capped,
                counts.uses.to_string(),
                per_1000(rates.uses_per_1000),
            ]);
        }
        push_record(&mut out, &row);
    }
    out
}

/// England's uptake by deprivation quintile (1 least deprived … 5 most), then practices without a score.
pub fn equity_csv(table: &EquityTable) -> String {
    let mut out = String::new();
    let header = ["period", "quintile", "practices", "patient_list_size", "total_pat_enbld", "enabled_pct"];
    push_record(&mut out, &header.map(str::to_owned));
    let rows = table
        .quintiles
        .iter()
        .map(|q| (q.quintile.to_string(), &q.counts, q.rates.enabled))
        .chain(std::iter::once(("no score".to_owned(), &table.unscored, table.unscored.rates().enabled)));
    for (quintile, counts, enabled) in rows {
        push_record(
            &mut out,
            &[
                table.period.clone(),
                quintile,
                counts.practices.to_string(),
                counts.patient_list_size.to_string(),
                counts.total_pat_enbld.to_string(),
                pct(enabled).0,
            ],
        );
    }
    out
}

/// Online consultation submissions per unit and month: counts, then per 1,000 registered patients and
/// each type's share of submissions, all from sums.
pub fn oc_csv(table: &[lantern_core::uptake::oc::OcUnit]) -> String {
    let mut out = String::new();
    let header = [
        "level",
        "code",
        "name",
        "period",
        "practices",
        "practices_capable",
        "practices_participating",
        "practices_with_usage",
        "patients_registered",
        "total_submissions",
        "submissions_per_1000",
        "clinical",
        "clinical_pct",
        "admin",
        "admin_pct",
        "other",
        "other_pct",
    ];
    push_record(&mut out, &header.map(str::to_owned));
    for unit in table {
        let (c, r) = (&unit.counts, &unit.rates);
        push_record(
            &mut out,
            &[
                unit.level.code().to_owned(),
                unit.code.clone(),
                neutralise(unit.name.as_deref().unwrap_or_default()),
                unit.period.clone(),
                c.practices.to_string(),
                c.capable.to_string(),
                c.participating.to_string(),
                c.with_usage.to_string(),
                c.patients_registered.to_string(),
                c.total_submissions.to_string(),
                per_1000(r.submissions_per_1000),
                c.clinical.to_string(),
                pct(r.clinical).0,
                c.admin.to_string(),
                pct(r.admin).0,
                c.other.to_string(),
                pct(r.other).0,
            ],
        );
    }
    out
}
