//! Line charts and sparklines drawn on the server as inline SVG, like the bar charts in `charts`: no
//! script, no inline styles, a title and a description, and a table with the same figures beside them.
//! A missing value breaks the line rather than drawing it down to zero.

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
/// Room for the axis labels on the left and the month labels below.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 12.0;
const RIGHT: f64 = 16.0;

/// One point: its label on the x axis (a month) and its value, None when not known.
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
}

pub struct Tick {
    pub y: String,
    pub text: String,
}

pub struct XLabel {
    pub x: String,
    pub text: String,
}

pub struct Dot {
    pub x: String,
    pub y: String,
}

pub struct LineChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub left: String,
    pub right: String,
    /// One `points` attribute per unbroken run of known values.
    pub lines: Vec<String>,
    pub dots: Vec<Dot>,
    pub ticks: Vec<Tick>,
    pub x_labels: Vec<XLabel>,
    /// A second series drawn dashed (e.g. peers' mean), one `points` attribute per unbroken run.
    pub comparison: Vec<String>,
    /// A vertical line at one point (e.g. the month an offer started).
    pub marker: Option<Marker>,
}

/// A vertical line across the plot at `x`, labelled at its top.
pub struct Marker {
    pub x: String,
    pub top: String,
    pub bottom: String,
    pub label: String,
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// The y range: from 0 to a round ceiling above the largest value (`max_hint` for a percentage, 100).
fn ceiling(max: f64, max_hint: Option<f64>) -> f64 {
    if let Some(hint) = max_hint {
        return hint;
    }
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10_f64.powf(max.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|s| s * magnitude >= max).unwrap_or(10.0);
    step * magnitude
}

impl LineChart {
    /// `unit` is written after tick values ("%" or ""); `y_max` fixes the top of the axis (100 for shares).
    pub fn new(
        id: &str,
        title: String,
        desc: String,
        points: &[Point],
        unit: &str,
        y_max: Option<f64>,
    ) -> Self {
        Self::compared(id, title, desc, points, &[], unit, y_max, None)
    }

    /// As [`LineChart::new`], with `comparison` (values at the same points, the same length) drawn
    /// dashed on the same axis and, when `marker` is given, a labelled vertical line at that point.
    #[allow(clippy::too_many_arguments)]
    pub fn compared(
        id: &str,
        title: String,
        desc: String,
        points: &[Point],
        comparison: &[Option<f64>],
        unit: &str,
        y_max: Option<f64>,
        marker: Option<(usize, String)>,
    ) -> Self {
        let max = points
            .iter()
            .map(|p| p.value)
            .chain(comparison.iter().copied())
            .flatten()
            .fold(0.0_f64, f64::max);
        let top_value = ceiling(max, y_max);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let n = points.len().max(1);
        let x_of =
            |i: usize| if n == 1 { LEFT + plot_w / 2.0 } else { LEFT + plot_w * i as f64 / (n - 1) as f64 };
        let y_of = |v: f64| TOP + plot_h * (1.0 - (v / top_value).clamp(0.0, 1.0));
        let values: Vec<Option<f64>> = points.iter().map(|p| p.value).collect();
        let lines = runs(&values, &x_of, &y_of);
        let dots = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| Dot { x: fmt(x_of(i)), y: fmt(y_of(v)) }))
            .collect();
        let marker = marker.filter(|(i, _)| *i < n).map(|(i, label)| Marker {
            x: fmt(x_of(i)),
            top: fmt(TOP),
            bottom: fmt(HEIGHT - BOTTOM),
            label,
        });
        let ticks = (0..=4)
            .map(|k| {
                let v = top_value * k as f64 / 4.0;
                Tick { y: fmt(y_of(v)), text: format!("{}{unit}", trim(v)) }
            })
            .collect();
        // At most about eight month labels fit under the axis.
        let every = n.div_ceil(8).max(1);
        let x_labels = points
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i == n - 1)
            .map(|(i, p)| XLabel { x: fmt(x_of(i)), text: p.label.clone() })
            .collect();
        Self {
            id: id.to_owned(),
            title,
            desc,
            width: WIDTH as u32,
            height: HEIGHT as u32,
            left: fmt(LEFT),
            right: fmt(WIDTH - RIGHT),
            lines,
            dots,
            ticks,
            x_labels,
            comparison: runs(comparison, &x_of, &y_of),
            marker,
        }
    }
}

/// One `points` attribute per unbroken run of known values: a missing value breaks the line.
fn runs(values: &[Option<f64>], x_of: &dyn Fn(usize) -> f64, y_of: &dyn Fn(f64) -> f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut run: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => run.push(format!("{},{}", fmt(x_of(i)), fmt(y_of(*v)))),
            None if !run.is_empty() => lines.push(std::mem::take(&mut run).join(" ")),
            None => {}
        }
    }
    if !run.is_empty() {
        lines.push(run.join(" "));
    }
    lines
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A word-sized line for a table row: the shape of a series, values in the row's other cells.
pub struct Sparkline {
    pub width: u32,
    pub height: u32,
    pub lines: Vec<String>,
    /// The last known point, marked so the reader sees where the series ends.
    pub last: Option<Dot>,
}

impl Sparkline {
    /// Values scaled between 0 and `y_max` (100 for shares), so rows can be compared with each other.
    pub fn new(values: &[Option<f64>], y_max: f64) -> Self {
        let (w, h, pad) = (96.0, 24.0, 2.0);
        let n = values.len().max(1);
        let x_of =
            |i: usize| if n == 1 { w / 2.0 } else { pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64 };
        let y_of = |v: f64| pad + (h - 2.0 * pad) * (1.0 - (v / y_max).clamp(0.0, 1.0));
        let mut lines = Vec::new();
        let mut run = Vec::new();
        let mut last = None;
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => {
                    run.push(format!("{},{}", fmt(x_of(i)), fmt(y_of(*v))));
                    last = Some(Dot { x: fmt(x_of(i)), y: fmt(y_of(*v)) });
                }
                None if !run.is_empty() => lines.push(std::mem::take(&mut run).join(" ")),
                None => {}
            }
        }
        if !run.is_empty() {
            lines.push(run.join(" "));
        }
        Self { width: w as u32, height: h as u32, lines, last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[Option<f64>]) -> Vec<Point> {
        values.iter().enumerate().map(|(i, v)| Point { label: format!("m{i}"), value: *v }).collect()
    }

    #[test]
    fn a_gap_breaks_the_line_and_values_scale_to_the_axis() {
        let chart = LineChart::new(
            "t",
            "T".into(),
            "D".into(),
            &points(&[Some(0.0), Some(50.0), None, Some(100.0)]),
            "%",
            Some(100.0),
        );
        assert_eq!(chart.lines.len(), 2);
        // 0% sits on the base line, 100% at the top.
        assert_eq!(chart.lines[0].split(' ').next(), Some("56.0,224.0"));
        assert_eq!(chart.lines[1], "704.0,12.0");
        assert_eq!(chart.dots.len(), 3);
        assert_eq!(chart.ticks.last().map(|t| t.text.as_str()), Some("100%"));
    }

    #[test]
    fn the_axis_rounds_up_to_a_readable_ceiling() {
        assert_eq!(ceiling(37.0, None), 50.0);
        assert_eq!(ceiling(120.0, None), 200.0);
        assert_eq!(ceiling(0.0, None), 1.0);
        assert_eq!(ceiling(7.0, Some(100.0)), 100.0);
    }

    #[test]
    fn sparklines_mark_the_last_known_value() {
        let s = Sparkline::new(&[Some(10.0), Some(20.0), None], 100.0);
        assert_eq!(s.lines.len(), 1);
        assert_eq!(s.last.map(|d| d.x), Some("48.0".into()));
        assert!(Sparkline::new(&[None, None], 100.0).last.is_none());
    }

    #[test]
    fn a_comparison_shares_the_axis_and_the_marker_sits_on_its_point() {
        let chart = LineChart::compared(
            "t",
            "T".into(),
            "D".into(),
            &points(&[Some(10.0), Some(20.0), Some(30.0)]),
            &[Some(40.0), None, Some(20.0)],
            "",
            None,
            Some((1, "Started".into())),
        );
        // The axis runs to 50, a round ceiling above the comparison's 40 (not the series' 30).
        assert_eq!(chart.ticks.last().map(|t| t.text.as_str()), Some("50"));
        // A gap in the comparison breaks it in two; 40 of 50 sits a fifth of the plot below the top.
        assert_eq!(chart.comparison, vec!["56.0,54.4".to_owned(), "704.0,139.2".to_owned()]);
        let marker = chart.marker.expect("a marker");
        assert_eq!((marker.x.as_str(), marker.label.as_str()), ("380.0", "Started"));
        let no_marker = LineChart::compared(
            "t",
            "T".into(),
            "D".into(),
            &points(&[Some(1.0)]),
            &[],
            "",
            None,
            Some((5, "x".into())),
        );
        assert!(no_marker.marker.is_none(), "a marker off the chart is left out");
    }
}
