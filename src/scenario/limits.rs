//! Limits on the text and the number of entries of a scenario: lengths of
//! names, labels and descriptions, no control characters, at most so many
//! tiers, rules, groups, perks, restrictions, kinds, tests, dated changes and
//! lesson steps.
//!
//! Everything a scenario names ends up in column names, chart labels, file
//! names and terminal output, and several outputs grow with the square of a
//! count (the tier mobility matrix is tiers × tiers), so each is bounded
//! here, with a position, before anything runs. The same numbers are in
//! `docs/scenario-format.md` ("Limits") and `docs/limits.md`.

use super::check::Checker;
use super::diag::is_unsafe_char;
use super::spec::FileSpec;

/// The longest tier, group or kind name, rule, perk, restriction or list id, category or agency (characters).
pub const MAX_ID_CHARS: usize = 64;
/// The longest `scenario.name`, label or rule-test name (characters).
pub const MAX_LABEL_CHARS: usize = 200;
/// The longest description, `source` or item of `sources` (characters).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The most tiers.
pub const MAX_TIERS: usize = 32;
/// The most rules.
pub const MAX_RULES: usize = 512;
/// The most population groups.
pub const MAX_GROUPS: usize = 64;
/// The most perks, and the most restrictions.
pub const MAX_PERKS: usize = 256;
/// The most subject kinds.
pub const MAX_KINDS: usize = 16;
/// The most lists (a subject's lists are kept as the bits of a `u64`).
pub const MAX_LISTS: usize = 64;
/// The most rule tests in a scenario file.
pub const MAX_TESTS: usize = 1_000;
/// The most items of `scenario.sources`.
pub const MAX_SOURCES: usize = 100;
/// The most `[[change]]` entries (dated policy changes).
pub const MAX_CHANGES: usize = 64;
/// The most values one change sets (`set`).
pub const MAX_CHANGE_SETS: usize = 32;
/// The most `[[lesson]]` steps.
pub const MAX_LESSONS: usize = 20;
/// The most changes one lesson step suggests (`set`).
pub const MAX_LESSON_SETS: usize = 8;
/// The most controls `[explore]` names (`controls`), and the most `[[explore.control]]` settings.
pub const MAX_EXPLORE_CONTROLS: usize = 64;
/// The most controls `explore.grid` names.
pub const MAX_GRID_CONTROLS: usize = 2;
/// The most points of `explore.grid` (the product of its controls' numbers of values).
pub const MAX_GRID_POINTS: usize = 400;

/// What a piece of text is, which sets how long it may be and whether it may hold newlines and tabs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A name or id: up to [`MAX_ID_CHARS`], one line.
    Id,
    /// A label: up to [`MAX_LABEL_CHARS`], one line.
    Label,
    /// Free text: up to [`MAX_TEXT_CHARS`]; newlines and tabs allowed.
    Text,
}

impl Class {
    fn max(self) -> usize {
        match self {
            Class::Id => MAX_ID_CHARS,
            Class::Label => MAX_LABEL_CHARS,
            Class::Text => MAX_TEXT_CHARS,
        }
    }
}

/// Check the counts of entries; `false` when one is over its limit (the
/// other checks are then skipped: their cost grows with the counts).
pub(crate) fn check_counts(c: &mut Checker, spec: &FileSpec) -> bool {
    let counts = [
        (
            "tier",
            "tiers",
            spec.tier.len(),
            MAX_TIERS,
            "merge tiers; each tier is a column of every output and a row and column of the mobility matrix",
        ),
        ("rule", "rules", spec.rule.len(), MAX_RULES, "merge rules that record the same behaviour"),
        (
            "population.group",
            "groups",
            spec.population.group.len(),
            MAX_GROUPS,
            "merge groups; every figure is reported per group",
        ),
        ("perk", "perks", spec.perk.len(), MAX_PERKS, "merge perks granted at the same threshold"),
        (
            "restriction",
            "restrictions",
            spec.restriction.len(),
            MAX_PERKS,
            "merge restrictions imposed at the same threshold",
        ),
        ("kind", "kinds", spec.kind.len(), MAX_KINDS, "use groups within fewer kinds"),
        ("list", "lists", spec.list.len(), MAX_LISTS, "merge lists that impose the same sanctions"),
        (
            "test",
            "rule tests",
            spec.test.len(),
            MAX_TESTS,
            "move some tests to a file of rule tests (`tests/<name>.toml`)",
        ),
        (
            "lesson",
            "lesson steps",
            spec.lesson.len(),
            MAX_LESSONS,
            "split the lesson into several scenario files",
        ),
        (
            "change",
            "dated changes",
            spec.change.len(),
            MAX_CHANGES,
            "merge changes of nearby steps; each change is a whole set of rules the engine keeps",
        ),
        (
            "explore.control",
            "control settings",
            spec.explore.as_ref().map_or(0, |e| e.control.len()),
            MAX_EXPLORE_CONTROLS,
            "set the range and label of fewer controls",
        ),
    ];
    let mut ok = true;
    for (path, noun, n, max, hint) in counts {
        if n > max {
            ok = false;
            let msg = format!("a scenario may have at most {max} {noun}, this one has {n}");
            c.error(&format!("{path}[{max}]"), msg, format!("{hint} (see docs/limits.md)"));
        }
    }
    if spec.scenario.sources.len() > MAX_SOURCES {
        let msg = format!(
            "`scenario.sources` has {} items, more than the {MAX_SOURCES} allowed",
            spec.scenario.sources.len()
        );
        c.error("scenario.sources", msg, "cite the sources of each value in its own `source`".to_owned());
    }
    let controls = spec.explore.as_ref().and_then(|e| e.controls.as_ref()).map_or(0, Vec::len);
    if controls > MAX_EXPLORE_CONTROLS {
        ok = false;
        let msg = format!(
            "`explore.controls` names {controls} controls, more than the {MAX_EXPLORE_CONTROLS} allowed"
        );
        c.error(
            "explore.controls",
            msg,
            "a page for a class needs a few controls; name the ones the lesson uses".to_owned(),
        );
    }
    for (i, l) in spec.lesson.iter().enumerate().take(MAX_LESSONS) {
        if l.set.len() > MAX_LESSON_SETS {
            ok = false;
            let msg = format!(
                "`set` of lesson step {} has {} changes, more than the {MAX_LESSON_SETS} allowed",
                i + 1,
                l.set.len()
            );
            c.error(
                &format!("lesson[{i}].set"),
                msg,
                "suggest one change per step, so the class sees what it does".to_owned(),
            );
        }
    }
    ok
}

/// Check every name, label and description: length and characters.
pub(crate) fn check_text(c: &mut Checker, spec: &FileSpec) {
    use Class::*;
    let s = &spec.scenario;
    text(c, "scenario.name", "`scenario.name`", &s.name, Label);
    opt(c, "scenario.description", "`scenario.description`", &s.description, Text);
    for src in &s.sources {
        text(c, "scenario.sources", "an item of `scenario.sources`", src, Text);
    }
    if let Some(title) = spec.report.as_ref().and_then(|r| r.title.as_ref()) {
        text(c, "report.title", "`report.title`", title, Label);
    }
    for (i, t) in spec.tier.iter().enumerate().take(MAX_TIERS) {
        let what = c.entry("tier", "tier", i, "name", &t.name);
        let p = format!("tier[{i}]");
        text(c, &format!("{p}.name"), &format!("the name of {what}"), &t.name, Id);
        opt(c, &format!("{p}.label"), &format!("`label` in {what}"), &t.label, Label);
        opt(c, &format!("{p}.source"), &format!("`source` in {what}"), &t.source, Text);
    }
    for (i, g) in spec.population.group.iter().enumerate().take(MAX_GROUPS) {
        let what = c.entry("group", "population.group", i, "name", &g.name);
        let p = format!("population.group[{i}]");
        text(c, &format!("{p}.name"), &format!("the name of {what}"), &g.name, Id);
        opt(c, &format!("{p}.description"), &format!("`description` in {what}"), &g.description, Text);
        opt(c, &format!("{p}.source"), &format!("`source` in {what}"), &g.source, Text);
    }
    if let Some(h) = &spec.population.households {
        opt(c, "population.households.source", "`population.households.source`", &h.source, Text);
    }
    for (i, k) in spec.kind.iter().enumerate().take(MAX_KINDS) {
        let what = c.entry("kind", "kind", i, "name", &k.name);
        let p = format!("kind[{i}]");
        text(c, &format!("{p}.name"), &format!("the name of {what}"), &k.name, Id);
        common(c, &p, &what, &k.label, &k.description, &k.source);
    }
    for (i, r) in spec.rule.iter().enumerate().take(MAX_RULES) {
        let what = c.entry("rule", "rule", i, "id", &r.id);
        let p = format!("rule[{i}]");
        text(c, &format!("{p}.id"), &format!("the id of {what}"), &r.id, Id);
        common(c, &p, &what, &r.label, &r.description, &r.source);
        opt(c, &format!("{p}.category"), &format!("`category` in {what}"), &r.category, Id);
        opt(c, &format!("{p}.agency"), &format!("`agency` in {what}"), &r.agency, Id);
    }
    for (i, x) in spec.perk.iter().enumerate().take(MAX_PERKS) {
        let what = c.entry("perk", "perk", i, "id", &x.id);
        let p = format!("perk[{i}]");
        text(c, &format!("{p}.id"), &format!("the id of {what}"), &x.id, Id);
        common(c, &p, &what, &x.label, &x.description, &x.source);
    }
    for (i, x) in spec.restriction.iter().enumerate().take(MAX_PERKS) {
        let what = c.entry("restriction", "restriction", i, "id", &x.id);
        let p = format!("restriction[{i}]");
        text(c, &format!("{p}.id"), &format!("the id of {what}"), &x.id, Id);
        common(c, &p, &what, &x.label, &x.description, &x.source);
    }
    for (i, l) in spec.list.iter().enumerate().take(MAX_LISTS) {
        let what = c.entry("list", "list", i, "id", &l.id);
        let p = format!("list[{i}]");
        text(c, &format!("{p}.id"), &format!("the id of {what}"), &l.id, Id);
        common(c, &p, &what, &l.label, &l.description, &l.source);
    }
    for (i, t) in spec.test.iter().enumerate().take(MAX_TESTS) {
        let what = c.entry("test", "test", i, "name", &t.name);
        let p = format!("test[{i}]");
        text(c, &format!("{p}.name"), &format!("the name of {what}"), &t.name, Label);
        opt(c, &format!("{p}.description"), &format!("`description` in {what}"), &t.description, Text);
    }
    for (i, l) in spec.lesson.iter().enumerate().take(MAX_LESSONS) {
        let p = format!("lesson[{i}]");
        let what = format!("lesson step {}", i + 1);
        text(c, &format!("{p}.title"), &format!("the title of {what}"), &l.title, Label);
        text(c, &format!("{p}.text"), &format!("the text of {what}"), &l.text, Text);
    }
    for (i, ch) in spec.change.iter().enumerate().take(MAX_CHANGES) {
        let p = format!("change[{i}]");
        let what = format!("change {}", i + 1);
        text(c, &format!("{p}.label"), &format!("the label of {what}"), &ch.label, Label);
        opt(c, &format!("{p}.source"), &format!("`source` in {what}"), &ch.source, Text);
    }
    if let Some(e) = &spec.explore {
        for (i, x) in e.control.iter().enumerate().take(MAX_EXPLORE_CONTROLS) {
            let p = format!("explore.control[{i}]");
            let what = format!("`label` of control `{}`", x.path);
            opt(c, &format!("{p}.label"), &what, &x.label, Label);
        }
    }
}

/// `label`, `description` and `source` of the entry at `p`.
fn common(
    c: &mut Checker,
    p: &str,
    what: &str,
    label: &Option<String>,
    desc: &Option<String>,
    src: &Option<String>,
) {
    opt(c, &format!("{p}.label"), &format!("`label` in {what}"), label, Class::Label);
    opt(c, &format!("{p}.description"), &format!("`description` in {what}"), desc, Class::Text);
    opt(c, &format!("{p}.source"), &format!("`source` in {what}"), src, Class::Text);
}

fn opt(c: &mut Checker, path: &str, desc: &str, value: &Option<String>, class: Class) {
    if let Some(v) = value {
        text(c, path, desc, v, class);
    }
}

/// One piece of text at `path` (read successfully), named `desc` in messages.
fn text(c: &mut Checker, path: &str, desc: &str, value: &str, class: Class) {
    if c.at(path).is_none() {
        return;
    }
    let bad = value.chars().find(|&ch| is_unsafe_char(ch) && !(class == Class::Text && ch == '\n'));
    let bad = bad.or_else(|| value.chars().find(|&ch| class != Class::Text && matches!(ch, '\n' | '\t')));
    if let Some(ch) = bad {
        let (msg, hint) = if matches!(ch, '\n' | '\t') {
            (
                format!("{desc} holds a {}", if ch == '\n' { "newline" } else { "tab" }),
                "names and labels are one line of text; a description may have several".to_owned(),
            )
        } else {
            (
                format!("{desc} holds the control character `\\u{{{:x}}}`", ch as u32),
                "names, labels and descriptions are plain text: remove it (a description may hold newlines and tabs)"
                    .to_owned(),
            )
        };
        c.error(path, msg, hint);
    }
    let n = value.chars().count();
    if n > class.max() {
        let msg = format!("{desc} is {n} characters long, more than the {} allowed", class.max());
        let hint = match class {
            Class::Id => {
                "names appear in column names, chart legends and file names; give it a short name and put the rest in `label` or `description`"
            }
            Class::Label => "labels appear in charts and tables; put the rest in `description`",
            Class::Text => "cite or describe it briefly and link to the full text",
        };
        c.error(path, msg, format!("{hint} (see docs/limits.md)"));
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const BASE: &str = "[scenario]\nname = \"t\"\nsteps = 3\n[score]\nstart = 0\n[population]\nsize = 10\n";

    fn errors(extra: &str) -> Vec<String> {
        match parse(&format!("{BASE}{extra}"), "t.toml") {
            Ok(_) => Vec::new(),
            Err(d) => d.items().iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn too_many_tiers_are_refused_at_the_first_one_over() {
        let tiers: String = (0..40).map(|i| format!("[[tier]]\nname = \"t{i}\"\nmin = {i}\n")).collect();
        let e = errors(&tiers);
        assert_eq!(e, ["a scenario may have at most 32 tiers, this one has 40"]);
        let d = parse(&format!("{BASE}{tiers}"), "t.toml").unwrap_err().render(false);
        assert!(d.contains("--> t.toml:104:1"), "at the 33rd tier: {d}");
        let tiers: String = (0..32).map(|i| format!("[[tier]]\nname = \"t{i}\"\nmin = {i}\n")).collect();
        assert!(errors(&tiers).is_empty());
    }

    #[test]
    fn long_names_and_control_characters_are_refused() {
        let long = "x".repeat(65);
        let e = errors(&format!(
            "[[tier]]\nname = \"{long}\"\nmin = 0\nlabel = \"a\\u001b]52;c;aGk=\\u0007\"\n[[rule]]\nid = \"r\"\npoints = 1\nrate = 1.0\ndescription = \"two\\nlines\\tok\"\nlabel = \"a\\nb\"\n"
        ));
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].contains("is 65 characters long, more than the 64 allowed"), "{e:?}");
        assert!(e[1].contains("`label` in tier") && e[1].contains("control character `\\u{1b}`"), "{e:?}");
        assert_eq!(e[2], "`label` in rule `r` holds a newline");
    }
}
