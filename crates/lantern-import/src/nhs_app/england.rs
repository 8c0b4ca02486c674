//! `Table 1` ("National Summary of NHS App usage and registration statistics"): England's figures,
//! one column per month (newest first, the month an Excel date on the header row), one row per metric
//! (its label in the second column).

use super::figure::{column_letter, Figure, METRICS};
use crate::episodes_csv::{ImportErrors, RowError};
use crate::xlsx::{header_key, serial_date, XlsxCell, XlsxRow};

pub const SHEET: &str = "Table 1";

/// One month's column as published.
#[derive(Debug, Clone)]
pub struct EnglandColumn {
    /// The column's letter, and the header row naming its month.
    pub letter: String,
    pub header: u64,
    /// The month its header names, `YYYY-MM`.
    pub labelled: String,
    /// Logins, unique user logins.
    pub figures: [Figure; 2],
    /// The rows the figures are on.
    pub lines: [u64; 2],
}

#[derive(Default)]
pub struct EnglandReader {
    /// The header row's number and its month columns (position, `YYYY-MM`).
    months: Option<(u64, Vec<(usize, String)>)>,
    metric_rows: [Option<u64>; 2],
    pub columns: Vec<EnglandColumn>,
    /// Labels of rows with figures the importer does not know (a metric added since).
    pub unread_rows: Vec<String>,
}

impl EnglandReader {
    pub fn row(&mut self, row: &XlsxRow, errors: &mut ImportErrors) {
        let Some((header, months)) = &self.months else {
            self.find_months(row, errors);
            return;
        };
        let label = row
            .cells
            .iter()
            .take(2)
            .map(|c| c.text())
            .find(|t| METRICS.iter().any(|(_, k)| header_key(t) == *k));
        let Some(label) = label else {
            let numbers = months.iter().any(|(at, _)| matches!(row.cell(*at), XlsxCell::Number(_)));
            if numbers {
                self.unread_rows.push(format!("{} (row {})", row.cell(1).text(), row.number));
            }
            return;
        };
        let metric = METRICS.iter().position(|(_, k)| header_key(&label) == *k).unwrap_or_default();
        if let Some(first) = self.metric_rows[metric] {
            let message = format!("sheet {SHEET:?}: {} is also on row {first}", METRICS[metric].0);
            errors.push(RowError::new(row.number, Some("B"), message));
            return;
        }
        self.metric_rows[metric] = Some(row.number);
        if self.columns.is_empty() {
            self.columns = months
                .iter()
                .map(|(at, labelled)| EnglandColumn {
                    letter: column_letter(*at),
                    header: *header,
                    labelled: labelled.clone(),
                    figures: [Figure::Blank, Figure::Blank],
                    lines: [row.number; 2],
                })
                .collect();
        }
        for (column, (at, _)) in self.columns.iter_mut().zip(months) {
            column.figures[metric] = Figure::read(row.cell(*at));
            column.lines[metric] = row.number;
        }
    }

    /// The month header: the first row with dates (numbers) from the third column on and nothing in
    /// the first two.
    fn find_months(&mut self, row: &XlsxRow, errors: &mut ImportErrors) {
        let labels_empty = row.cell(0).text().is_empty() && row.cell(1).text().is_empty();
        let numbers: Vec<(usize, f64)> = row
            .cells
            .iter()
            .enumerate()
            .skip(2)
            .filter_map(|(at, c)| match c {
                XlsxCell::Number(n) => Some((at, *n)),
                _ => None,
            })
            .collect();
        if !labels_empty || numbers.is_empty() {
            return;
        }
        let mut months = Vec::new();
        for (at, serial) in numbers {
            match serial_date(serial) {
                Some(date) => months.push((at, format!("{:04}-{:02}", date.year(), date.month()))),
                None => {
                    let message = format!("sheet {SHEET:?}: month {serial} is not a date");
                    errors.push(RowError::new(row.number, Some(&column_letter(at)), message));
                }
            }
        }
        self.months = Some((row.number, months));
    }

    /// Refusals for what the table lacks, once every row is read.
    pub fn finish(&self, last_row: u64, errors: &mut ImportErrors) {
        let Some((header, _)) = &self.months else {
            let message = format!(
                "sheet {SHEET:?} has no header row of months (read to row {last_row}); \
                 this is not an NHS App Management Information workbook"
            );
            return errors.push(RowError::new(1, None, message));
        };
        for (found, (name, _)) in self.metric_rows.iter().zip(METRICS) {
            if found.is_none() {
                let message = format!("sheet {SHEET:?} has no row for {name:?} below its months");
                errors.push(RowError::new(*header, None, message));
            }
        }
    }
}
