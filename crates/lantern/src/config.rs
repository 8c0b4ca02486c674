//! `lantern config check`: each setting, where it came from and what it means, then anything refused.

use crate::settings::Settings;
use anyhow::bail;

pub fn check(settings: &Settings) -> anyhow::Result<()> {
    println!("Lantern's settings for `lantern serve` (each also read from its LANTERN_* variable)\n");
    for [name, value, source, meaning] in settings.describe() {
        println!("{name:<15} {value}  ({source})\n{:<15} {meaning}\n", "");
    }
    let findings = settings.findings();
    for finding in &findings {
        println!("{finding}");
    }
    let refused = findings.iter().filter(|f| f.is_refusal()).count();
    if refused > 0 {
        bail!("{refused} setting(s) refused: `lantern serve` will not start with these settings");
    }
    println!("safe to serve with these settings");
    Ok(())
}
