//! Ordinary least squares for the effect estimator: the normal equations solved by Gauss–Jordan
//! elimination with partial pivoting (the models have at most 14 columns), the residuals' lag-1
//! autocorrelation, and the 97.5th percentile of Student's t.

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub coefficients: Vec<f64>,
    /// (XᵀX)⁻¹: times the residual variance, the coefficients' covariance under independent errors.
    pub unscaled_covariance: Vec<Vec<f64>>,
    pub residuals: Vec<f64>,
    /// Observations less columns.
    pub degrees_of_freedom: usize,
}

impl Fit {
    /// Residual sum of squares over the degrees of freedom.
    pub fn residual_variance(&self) -> f64 {
        let rss: f64 = self.residuals.iter().map(|e| e * e).sum();
        rss / self.degrees_of_freedom as f64
    }
}

/// Relative size below which a pivot counts as zero: the columns are then (nearly) collinear.
const SINGULAR: f64 = 1e-10;

/// Fits `y = X b` by least squares. `rows` are the rows of X, all the same length. None when there are
/// no more observations than columns or the columns are collinear.
pub fn fit(rows: &[Vec<f64>], y: &[f64]) -> Option<Fit> {
    let p = rows.first()?.len();
    let n = rows.len();
    if n != y.len() || n <= p || p == 0 {
        return None;
    }
    let mut xtx = vec![vec![0.0; p]; p];
    let mut xty = vec![0.0; p];
    for (row, &value) in rows.iter().zip(y) {
        for i in 0..p {
            xty[i] += row[i] * value;
            for j in 0..p {
                xtx[i][j] += row[i] * row[j];
            }
        }
    }
    let inverse = invert(xtx)?;
    let coefficients: Vec<f64> = (0..p).map(|i| (0..p).map(|j| inverse[i][j] * xty[j]).sum()).collect();
    let residuals = rows
        .iter()
        .zip(y)
        .map(|(row, value)| value - row.iter().zip(&coefficients).map(|(x, b)| x * b).sum::<f64>())
        .collect();
    Some(Fit { coefficients, unscaled_covariance: inverse, residuals, degrees_of_freedom: n - p })
}

/// The inverse of a symmetric positive semi-definite matrix by Gauss–Jordan elimination; None when a
/// pivot is negligible next to the matrix's largest diagonal entry.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let scale = (0..p).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    if scale == 0.0 {
        return None;
    }
    let mut inverse: Vec<Vec<f64>> =
        (0..p).map(|i| (0..p).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    for column in 0..p {
        let pivot_row = (column..p).max_by(|&i, &j| a[i][column].abs().total_cmp(&a[j][column].abs()))?;
        if a[pivot_row][column].abs() <= SINGULAR * scale {
            return None;
        }
        a.swap(column, pivot_row);
        inverse.swap(column, pivot_row);
        let pivot = a[column][column];
        for j in 0..p {
            a[column][j] /= pivot;
            inverse[column][j] /= pivot;
        }
        for i in 0..p {
            if i != column {
                let factor = a[i][column];
                if factor != 0.0 {
                    for j in 0..p {
                        a[i][j] -= factor * a[column][j];
                        inverse[i][j] -= factor * inverse[column][j];
                    }
                }
            }
        }
    }
    Some(inverse)
}

/// Lag-1 autocorrelation of residuals in month order, `Σ eₜeₜ₊₁ / Σ eₜ²`, over pairs of consecutive
/// calendar months only (`months` are month ordinals, ascending, one per residual). 0 when the
/// residuals are all zero.
pub fn lag1_autocorrelation(months: &[i32], residuals: &[f64]) -> f64 {
    let total: f64 = residuals.iter().map(|e| e * e).sum();
    if total == 0.0 {
        return 0.0;
    }
    let adjacent: f64 = months
        .windows(2)
        .zip(residuals.windows(2))
        .filter(|(m, _)| m[1] - m[0] == 1)
        .map(|(_, e)| e[0] * e[1])
        .sum();
    adjacent / total
}

/// 1.96, the 97.5th percentile of the standard normal distribution.
const Z: f64 = 1.959_963_984_540_054;

/// The 97.5th percentile of Student's t with 1 to 30 degrees of freedom (published tables, to three
/// decimals).
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
    2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// The 97.5th percentile of Student's t: from the table up to 30 degrees of freedom, beyond by the
/// Cornish–Fisher expansion of t around the normal quantile (within 0.0005 of exact there). None for 0.
pub fn t_975(degrees_of_freedom: usize) -> Option<f64> {
    match degrees_of_freedom {
        0 => None,
        df @ 1..=30 => Some(T_975[df - 1]),
        df => Some(cornish_fisher_t(df as f64)),
    }
}

/// `z + (z³+z)/4ν + (5z⁵+16z³+3z)/96ν² + (3z⁷+19z⁵+17z³−15z)/384ν³` at z = 1.96.
pub(crate) fn cornish_fisher_t(nu: f64) -> f64 {
    let z = Z;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * nu)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * nu * nu)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * nu.powi(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_fitted_exactly_and_its_slope_matches_the_textbook_formula() {
        // y = 3 + 2x plus residuals that sum to zero and are orthogonal to x: +1, −1, −1, +1 at x = 0..3.
        let x = [0.0, 1.0, 2.0, 3.0];
        let y: Vec<f64> = x.iter().zip([1.0, -1.0, -1.0, 1.0]).map(|(x, e)| 3.0 + 2.0 * x + e).collect();
        let rows: Vec<Vec<f64>> = x.iter().map(|&x| vec![1.0, x]).collect();
        let fit = fit(&rows, &y).expect("full rank");
        assert!((fit.coefficients[0] - 3.0).abs() < 1e-12 && (fit.coefficients[1] - 2.0).abs() < 1e-12);
        // Var(slope) = σ² / Σ(x − x̄)² = σ² / 5, σ² = 4 / 2.
        assert!((fit.unscaled_covariance[1][1] - 0.2).abs() < 1e-12);
        assert!((fit.residual_variance() - 2.0).abs() < 1e-12);
        assert_eq!(fit.degrees_of_freedom, 2);
    }

    #[test]
    fn collinear_columns_and_too_few_rows_fit_nothing() {
        let rows: Vec<Vec<f64>> = (0..5).map(|i| vec![1.0, f64::from(i), 2.0 * f64::from(i)]).collect();
        assert_eq!(fit(&rows, &[1.0, 2.0, 3.0, 4.0, 5.0]), None);
        assert_eq!(fit(&[vec![1.0], vec![1.0]][..1], &[1.0]), None);
    }

    #[test]
    fn the_t_table_meets_the_expansion_and_the_normal() {
        // The expansion at 30 degrees of freedom reproduces the table's last entry, and far out t is z.
        assert!((cornish_fisher_t(30.0) - 2.042).abs() < 5e-4);
        assert!((cornish_fisher_t(20.0) - 2.086).abs() < 1e-3);
        assert!((t_975(100_000).expect("df") - Z).abs() < 1e-4);
        assert_eq!(t_975(0), None);
        assert_eq!(t_975(4), Some(2.776));
    }

    #[test]
    fn autocorrelation_counts_only_neighbouring_months() {
        // Residuals +1, +1, −1, −1: adjacent products 1, −1, 1 over Σe² = 4 → 0.25; with a gap between the
        // second and third months only the first and last pairs count: 2 / 4.
        let e = [1.0, 1.0, -1.0, -1.0];
        assert!((lag1_autocorrelation(&[0, 1, 2, 3], &e) - 0.25).abs() < 1e-12);
        assert!((lag1_autocorrelation(&[0, 1, 5, 6], &e) - 0.5).abs() < 1e-12);
    }
}
