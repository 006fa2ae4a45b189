//! Number formatting shared by every human-facing output: the terminal
//! table, the charts and the report.

/// An integer with `,` between thousands: 100000 → `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in `[0, 1]` as a percentage with one decimal. A share that is
/// not zero (or not one) never reads `0.0%` (or `100.0%`): it reads `<0.1%`
/// (or `>99.9%`), so a rare tier never looks empty.
pub fn percent(share: f64) -> String {
    let p = 100.0 * share;
    if p > 0.0 && p < 0.05 {
        "<0.1%".into()
    } else if (99.95..100.0).contains(&p) {
        ">99.9%".into()
    } else {
        format!("{p:.1}%")
    }
}

/// `x` with one decimal, never `-0.0`: a value that rounds to zero reads
/// `0.0` whatever its sign (a mean score of -0.04 is not "minus zero").
pub fn one_decimal(x: f64) -> String {
    let text = format!("{x:.1}");
    if text == "-0.0" { "0.0".into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_decimal_has_no_negative_zero() {
        assert_eq!(one_decimal(-0.04), "0.0");
        assert_eq!(one_decimal(-0.0), "0.0");
        assert_eq!(one_decimal(-0.05), "-0.1");
        assert_eq!(one_decimal(1001.26), "1001.3");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }

    #[test]
    fn rare_shares_do_not_read_as_empty_or_full() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(4.0 / 100_000.0), "<0.1%");
        assert_eq!(percent(0.0005), "0.1%"); // 0.05% rounds up
        assert_eq!(percent(0.954665), "95.5%");
        assert_eq!(percent(999_999.0 / 1_000_000.0), ">99.9%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
    }
}
