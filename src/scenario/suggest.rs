//! "Did you mean ...?": the nearest valid name to a typo, and lists of names for hints.

/// The candidate closest to `typo`, if one is close enough to be a likely typo.
///
/// A case-insensitive match wins; otherwise the smallest edit distance
/// (transpositions count as one edit) up to a third of the length, at least 1.
pub(crate) fn nearest<'a, I>(typo: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(typo)) {
        return Some(c);
    }
    let limit = (typo.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(typo, c), c))
        .filter(|&(d, c)| d <= limit && d < c.chars().count().max(typo.chars().count()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// `` `a`, `b`, `c` ``.
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        assert_eq!(nearest("pionts", ["id", "points", "rate"]), Some("points"));
        assert_eq!(nearest("rules", ["rule", "perk"]), Some("rule"));
        assert_eq!(nearest("AAA+", ["AAA", "AA", "A"]), Some("AAA"));
        assert_eq!(nearest("aa", ["AAA", "AA", "A"]), Some("AA"));
        assert_eq!(nearest("months", ["day", "week", "month"]), Some("month"));
    }

    #[test]
    fn ignores_unrelated_names() {
        assert_eq!(nearest("colour", ["id", "points", "rate"]), None);
        assert_eq!(nearest("x", ["id"]), None);
    }
}
