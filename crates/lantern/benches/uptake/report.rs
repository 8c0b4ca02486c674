//! The summary: Lantern's import and England table beside each DuckDB run, and the targets.

use crate::lantern::{Import, Tables};
use crate::machine::{self, mb, percentile, sorted};
use crate::{DuckRun, IMPORT_TARGET_RATIO, IMPORT_TARGET_S, ONE_MONTH_TARGET_MS};

pub fn summary(
    imports: &[Import],
    import_s: &[f64],
    import_peak_kb: Option<u64>,
    mine: &Tables,
    runs: &[DuckRun],
) {
    let import_median = percentile(import_s, 0.5);
    println!("\n== Summary (load average now {})", machine::load_average());
    let ms = |v: f64| if v.is_nan() { "-".to_owned() } else { format!("{v:.2}") };
    println!();
    println!("Import / load:");
    println!();
    println!(
        "| {:<52} | {:>8} | {:>8} | {:>8} | {:>9} | {:>16} |",
        "", "median s", "min s", "peak MB", "rows", "Lantern ÷ DuckDB"
    );
    println!("|{:-<54}|{:->10}|{:->10}|{:->10}|{:->11}|{:->18}|", "", ":", ":", ":", ":", ":");
    let rows_read = imports[0]
        .summary
        .iter()
        .find_map(|l| l.strip_prefix("rows read: ")?.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "-".into());
    println!(
        "| {:<52} | {:>8.2} | {:>8.2} | {:>8} | {:>9} | {:>16} |",
        "Lantern `import pomi` (new database, process)",
        import_median,
        import_s[0],
        import_peak_kb.map_or_else(|| "-".into(), mb),
        rows_read,
        ""
    );
    for run in runs {
        println!(
            "| {:<52} | {:>8.2} | {:>8.2} | {:>8} | {:>9} | {:>16.2} |",
            run.label,
            percentile(&run.load_s, 0.5),
            run.load_s.first().copied().unwrap_or(f64::NAN),
            mb(run.duck.hwm_load_kb),
            run.duck.rows,
            import_median / percentile(&run.load_s, 0.5)
        );
    }
    println!();
    println!("England table ({} alone, and all months ({}) together):", mine.period, mine.all_months.len());
    println!();
    println!(
        "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11} | {:<8} |",
        "", "1 mo p50", "1 mo p95", "all p50", "all p95", "L ÷ D p50", "match"
    );
    println!("|{:-<54}|{:->11}|{:->11}|{:->11}|{:->11}|{:->13}|{:-<10}|", "", ":", ":", ":", ":", ":", "");
    let l50 = percentile(&mine.one_month_ms, 0.5);
    println!(
        "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11} | {:<8} |",
        "Lantern (in-process, SQLite)",
        ms(l50),
        ms(percentile(&mine.one_month_ms, 0.95)),
        ms(percentile(&mine.all_months_ms, 0.5)),
        ms(percentile(&mine.all_months_ms, 0.95)),
        "",
        ""
    );
    for run in runs {
        let one = sorted(run.duck.one_month_ms.clone());
        let all = sorted(run.duck.all_months_ms.clone());
        println!(
            "| {:<52} | {:>9} | {:>9} | {:>9} | {:>9} | {:>11.2} | {:<8} |",
            run.label,
            ms(percentile(&one, 0.5)),
            ms(percentile(&one, 0.95)),
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.95)),
            l50 / percentile(&one, 0.5),
            if run.matched { "MATCH" } else { "MISMATCH" }
        );
    }
    println!();
    println!(
        "Times in ms unless marked. Lantern ÷ DuckDB: below 1, Lantern is faster. Peak MB: the importing"
    );
    println!("process's peak resident memory (Lantern: the `lantern` child; DuckDB: its Python process after the load).");
    println!();

    // Targets.
    let met = |ok: bool| if ok { "MET" } else { "NOT MET" };
    println!(
        "target: import < {IMPORT_TARGET_S} s: median {import_median:.2} s: {}",
        met(import_median < IMPORT_TARGET_S)
    );
    for run in runs {
        let ratio = import_median / percentile(&run.load_s, 0.5);
        println!(
            "target: import within {IMPORT_TARGET_RATIO}x of {}: {ratio:.2}x: {}",
            run.label,
            met(ratio <= IMPORT_TARGET_RATIO)
        );
    }
    if runs.is_empty() {
        println!("target: import within {IMPORT_TARGET_RATIO}x of DuckDB: not measured");
    }
    let p95 = percentile(&mine.one_month_ms, 0.95);
    println!(
        "target: England table for one month < {ONE_MONTH_TARGET_MS} ms once imported: p95 {p95:.2} ms: {}",
        met(p95 < ONE_MONTH_TARGET_MS)
    );
}
