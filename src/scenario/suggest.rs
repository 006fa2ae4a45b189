//! "Did you mean ...?": the nearest valid name to a typo, lists of names for
//! hints, and the one wording of a hint for an unknown name, which the
//! scenario reader, overlays and sweep plans all use.

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

/// `` `a`, `b`, `c` ``: each name once, in the order first given (a name
/// defined twice, itself an error, is not listed twice in a hint).
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen = std::collections::HashSet::new();
    names.into_iter().filter(|n| seen.insert(*n)).map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// `hint`, followed by `; did you mean `x`?` when one of `names` is near
/// `typo`: the hint for an unknown name that lists the valid ones
/// (`` defined tiers are `A`, `B`; did you mean `A`? ``).
pub(crate) fn or_nearest<'a>(
    hint: impl Into<String>,
    typo: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut hint = hint.into();
    if let Some(near) = nearest(typo, names) {
        hint.push_str("; ");
        hint.push_str(&did_you_mean(near));
    }
    hint
}

/// `` did you mean `x`? ``: how every hint suggests one name.
pub(crate) fn did_you_mean(near: &str) -> String {
    format!("did you mean `{near}`?")
}

/// The hint for an unknown key `typo` where `keys` are valid: `did you mean
/// X?` with the nearest key as `shown` writes it (`` `points` ``,
/// `` `[vary]` ``, `` `[[rule]]` ``), or else every valid key.
pub(crate) fn key_hint(typo: &str, keys: &[&str], shown: impl Fn(&str) -> String) -> String {
    match nearest(typo, keys.iter().copied()) {
        Some(near) => format!("did you mean {}?", shown(near)),
        None => format!("valid keys here are {}", list(keys.iter().copied())),
    }
}

/// The plural of a noun of the format: `tiers`, `categories`.
pub(crate) fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// A name in backticks, as hints show it.
pub(crate) fn quoted(name: &str) -> String {
    format!("`{name}`")
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
    fn one_wording_of_hints() {
        assert_eq!(
            or_nearest("`mode` is one of `grid`, `zip`", "gird", ["grid", "zip"]),
            "`mode` is one of `grid`, `zip`; did you mean `grid`?"
        );
        assert_eq!(or_nearest("defined tiers are `A`", "Q", ["A"]), "defined tiers are `A`");
        assert_eq!(key_hint("pionts", &["id", "points"], quoted), "did you mean `points`?");
        assert_eq!(key_hint("colour", &["id", "points"], quoted), "valid keys here are `id`, `points`");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("tier"), "tiers");
        assert_eq!(plural("category"), "categories");
    }

    #[test]
    fn lists_name_each_once() {
        assert_eq!(list(["late_payment", "fine", "late_payment"]), "`late_payment`, `fine`");
    }

    #[test]
    fn ignores_unrelated_names() {
        assert_eq!(nearest("colour", ["id", "points", "rate"]), None);
        assert_eq!(nearest("x", ["id"]), None);
    }
}
