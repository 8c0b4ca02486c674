//! Horizontal bar charts drawn on the server as inline SVG, so they need no script and pass the
//! content security policy (colours are SVG presentation attributes or classes in lantern.css, never
//! inline styles). Each chart has a title and a description, and every page puts a table with the same
//! figures right after it: the table is what a screen reader or a spreadsheet user works from.

/// The drawing width (the SVG scales to its container).
pub const WIDTH: u32 = 720;
/// The longest bar leaves room for its value written after it.
const BAR_SPACE: f64 = 580.0;
const ROW: u32 = 50;
pub const BAR_HEIGHT: u32 = 20;

pub struct Bar {
    pub label: String,
    pub label_y: u32,
    pub bar_y: u32,
    pub width: u32,
    pub value_x: u32,
    pub value_y: u32,
    pub value_text: String,
    /// A figure too small to show (suppressed): a written gap, not a bar.
    pub gap: bool,
}

pub struct BarChart {
    /// Prefix of the title and description ids (unique on the page).
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub bar_height: u32,
    pub bars: Vec<Bar>,
}

/// One row to draw: its label, its value (`None` when suppressed) and the value as people read it.
pub struct Datum {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

impl BarChart {
    /// A chart of `data` in the order given. `what` names the measure for the description
    /// ("minutes of help"), `each` what a bar stands for ("online service").
    pub fn new(id: &str, title: String, what: &str, each: &str, data: Vec<Datum>) -> Self {
        let max = data.iter().filter_map(|d| d.value).fold(0.0_f64, f64::max);
        let bars: Vec<Bar> = data
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let top = i as u32 * ROW;
                let width = match d.value {
                    // A value that is not zero always shows at least a sliver.
                    Some(v) if max > 0.0 && v > 0.0 => ((v / max * BAR_SPACE).round() as u32).max(2),
                    _ => 0,
                };
                Bar {
                    label: d.label.clone(),
                    label_y: top + 17,
                    bar_y: top + 24,
                    width,
                    value_x: if width == 0 { 0 } else { width + 8 },
                    value_y: top + 24 + BAR_HEIGHT - 5,
                    value_text: if d.value.is_none() {
                        format!("{} (too few to show)", d.text)
                    } else {
                        d.text.clone()
                    },
                    gap: d.value.is_none(),
                }
            })
            .collect();
        let desc = describe(what, each, &data);
        Self {
            id: id.to_owned(),
            title,
            desc,
            width: WIDTH,
            height: (bars.len() as u32 * ROW).max(ROW),
            bar_height: BAR_HEIGHT,
            bars,
        }
    }
}

/// The chart in a sentence: what the bars show and which is longest, pointing to the table.
fn describe(what: &str, each: &str, data: &[Datum]) -> String {
    let top = data
        .iter()
        .filter(|d| d.value.is_some())
        .max_by(|a, b| a.value.unwrap_or(0.0).total_cmp(&b.value.unwrap_or(0.0)));
    let gaps = data.iter().filter(|d| d.value.is_none()).count();
    let mut desc = format!("Bars show {what} for each {each}.");
    if let Some(top) = top {
        desc.push_str(&format!(" The longest is {}: {}.", top.label, top.text));
    }
    if gaps > 0 {
        desc.push_str(&format!(" {gaps} shown as \"<8\" without a bar, because the numbers are too small."));
    }
    desc.push_str(" The same figures are in the table that follows.");
    desc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datum(label: &str, value: Option<f64>) -> Datum {
        Datum { label: label.into(), value, text: value.map_or("<8".into(), |v| v.to_string()) }
    }

    #[test]
    fn bars_scale_to_the_longest_and_gaps_have_no_bar() {
        let chart = BarChart::new(
            "x",
            "Title".into(),
            "minutes",
            "practice",
            vec![datum("A", Some(100.0)), datum("B", Some(25.0)), datum("C", None), datum("D", Some(0.0))],
        );
        let widths: Vec<u32> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [580, 145, 0, 0]);
        assert!(chart.bars[2].gap && chart.bars[2].value_text.starts_with("<8"));
        assert_eq!(chart.height, 4 * ROW);
        assert!(chart.desc.contains("The longest is A: 100.") && chart.desc.contains("1 shown as \"<8\""));
    }
}
