//! Rule tests (`[[test]]` and `pointsim test`): scripted histories worked out
//! by hand, the scripted engine against the random one, positioned failures
//! and bad test definitions, test files beside a scenario.

use pointsim::engine::Skip;
use pointsim::population::Population;
use pointsim::scenario::{ScriptedEvent, parse};
use pointsim::trace::{Note, script, trace};

use crate::common::{DEBT_EXAMPLE, TOY, pointsim};

const BASE: &str = r#"
[scenario]
name = "rules by hand"
steps = 40
step = "month"
[score]
start = 100
min = 0
max = 150
[[tier]]
name = "good"
min = 100
[[tier]]
name = "poor"
min = 0
[population]
size = 10
[[rule]]
id = "fine"
points = -30
rate = 1
max_per_year = 2
[[rule]]
id = "repay"
points = 10
rate = 1
requires_perk = "loan"
[[perk]]
id = "loan"
min_tier = "good"
[[restriction]]
id = "watched"
max_score = 60
[[list]]
id = "low"
enter_below = 50
points = -5
[recovery]
restore_after = 6
"#;

fn with_tests(tests: &str) -> String {
    format!("{BASE}\n{tests}")
}

#[test]
fn a_scripted_history_worked_out_by_hand() {
    // fines at months 1 and 2 (steps 0, 1): 100 → 70 → 40; 40 < 50 lists the
    // subject at the end of step 1 with −5 (35) and "watched" (≤ 60). A third fine
    // in step 2 is over the yearly cap of 2 and cannot happen; repay needs the
    // loan perk (tier good), which a subject at 35 lacks. Six clean months after
    // the last negative record (the end of step 1 + 6 = the end of step 7) the
    // 65 points the fines took come back: 35 + 60 = 95 (the −5 of the listing
    // is not a fine's). At 95 ≥ 50 the threshold listing ends the same step end.
    let text = with_tests(
        r#"
[[test]]
name = "by hand"
events = [
  { step = 0, rule = "fine" },
  { step = 1, rule = "fine" },
  { step = 2, rule = "fine" },
  { step = 3, rule = "repay" },
]
[[test.expect]]
step = 0
score = 70
tier = "poor"
perks = []
restrictions = []
lists = []
[[test.expect]]
step = 1
score = 35
restrictions = ["watched"]
lists = ["low"]
[[test.expect]]
step = 6
score = 35
[[test.expect]]
step = 7
score = 95
tier = "poor"
restrictions = []
lists = []
"#,
    );
    let loaded = parse(&text, "t.toml").unwrap();
    let outcome = pointsim::ruletest::run(&loaded.scenario, &loaded.tests[0]);
    assert!(outcome.passed(), "{:#?}\n{}", outcome.failures, outcome.trace.to_text(&loaded.scenario));
    let skipped: Vec<(u32, Skip)> = outcome
        .trace
        .notes
        .iter()
        .filter_map(|n| match n.note {
            Note::Skipped { why, .. } => Some((n.step, why)),
            _ => None,
        })
        .collect();
    assert_eq!(skipped, [(2, Skip::Cap), (3, Skip::NoPerk(0))]);
}

#[test]
fn failures_name_the_key_the_step_and_both_values() {
    let text = with_tests(
        "[[test]]\nname = \"wrong\"\nevents = [{ step = 0, rule = \"fine\" }]\n\
         [[test.expect]]\nstep = 0\nscore = 71\ntier = \"good\"\nlists = [\"low\"]\nperks = []\n",
    );
    let loaded = parse(&text, "t.toml").unwrap();
    let outcome = pointsim::ruletest::run(&loaded.scenario, &loaded.tests[0]);
    let got: Vec<(&str, &str, &str)> =
        outcome.failures.iter().map(|f| (f.key, f.expected.as_str(), f.actual.as_str())).collect();
    assert_eq!(got, [("score", "71", "70"), ("tier", "good", "poor"), ("lists", "[\"low\"]", "[]")]);
    let written: Vec<&str> = outcome.failures.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(written, ["71", "\"good\"", "[\"low\"]"]);
}

/// Every subject's random history, replayed as a script (its rule events,
/// wrongful records and appeal outcomes at their steps), ends with the same
/// score and the same listings: the scripted engine is the run's engine.
#[test]
fn a_run_replayed_as_a_script_gives_the_same_history() {
    let text = std::fs::read_to_string(DEBT_EXAMPLE).unwrap();
    // no households here: a script is one subject; every wrongful record is appealed
    let text = text
        .replace("[population.households]\nsizes = [0.4, 0.3, 0.3]\n", "")
        .replace("inherited_by = \"household\"\ninherit_probability = 0.5\n", "")
        .replace("appeal_rate = 0.5", "appeal_rate = 1.0")
        .replace("size = 20000", "size = 400");
    replay_as_scripts(&text, true);
    // a rule that needs a perk, a cap and a score-entered list, with rates high
    // enough that a perk is often lost and used within one step
    let base = BASE.replace("size = 10", "size = 400").replace("rate = 1\n", "rate = 6\n");
    replay_as_scripts(&base, false);
}

/// Replay every subject's random history of `text` as a script and compare.
fn replay_as_scripts(text: &str, mechanics: bool) {
    let loaded = parse(text, "t.toml").unwrap();
    let s = &loaded.scenario;
    let population = Population::new(s);
    let (mut wrongful, mut listings, mut appeals) = (0, 0, 0);
    for subject in 0..s.population {
        let t = trace(s, &population, 9, subject);
        let mut decisions = t.notes.iter().filter_map(|n| match n.note {
            Note::Appeal { won, .. } => Some(won),
            _ => None,
        });
        let mut events = Vec::new();
        for (i, e) in t.events.iter().enumerate() {
            let pointsim::engine::Cause::Rule(rule) = e.cause else { continue };
            let wrong =
                t.notes.iter().any(|n| n.after_events == i + 1 && matches!(n.note, Note::Wrongful(_)));
            let appeal = if wrong { decisions.next() } else { None };
            events.push(ScriptedEvent { step: e.step, rule, wrongful: wrong, appeal });
            wrongful += usize::from(wrong);
        }
        let scripted = script(s, t.group, &events);
        assert_eq!(scripted.end, t.end, "subject {subject}");
        let listed = |x: &pointsim::trace::Trace| -> Vec<(u32, Note)> {
            x.notes
                .iter()
                .filter(|n| matches!(n.note, Note::Listed { .. } | Note::Appeal { .. }))
                .map(|n| (n.step, n.note))
                .collect()
        };
        assert_eq!(listed(&scripted), listed(&t), "subject {subject}");
        listings += t.notes.iter().filter(|n| matches!(n.note, Note::Listed { on: true, .. })).count();
        appeals += t.notes.iter().filter(|n| matches!(n.note, Note::Appeal { .. })).count();
    }
    // the comparison covered the mechanics it is meant to
    if mechanics {
        assert!(
            wrongful > 5 && listings > 20 && appeals > 5,
            "{wrongful} wrongful, {listings} listings, {appeals} appeals"
        );
    } else {
        assert!(listings > 20, "{listings} listings");
    }
}

#[test]
fn a_perk_lost_during_a_step_still_allows_its_rules_until_the_step_ends() {
    // as in a run, which rules can fire is settled at step ends: a fine that
    // costs the `loan` perk does not stop a repayment later in the same step
    let text = with_tests(
        r#"
[[test]]
name = "same step"
events = [{ step = 3, rule = "fine" }, { step = 3, rule = "repay" }, { step = 4, rule = "repay" }]
[[test.expect]]
step = 3
score = 80
[[test.expect]]
step = 4
score = 80
"#,
    );
    let loaded = parse(&text, "t.toml").unwrap();
    let outcome = pointsim::ruletest::run(&loaded.scenario, &loaded.tests[0]);
    assert!(outcome.passed(), "{:#?}\n{}", outcome.failures, outcome.trace.to_text(&loaded.scenario));
}

#[test]
fn the_example_scenario_passes_its_tests() {
    let out = pointsim().args(["test", DEBT_EXAMPLE]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("3 tests") && stdout.contains("test result: ok. 3 passed; 0 failed"), "{stdout}");
}

#[test]
fn a_failing_test_exits_1_and_points_at_the_expected_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(DEBT_EXAMPLE).unwrap().replace(
        "[[test.expect]]  # decided 30 days after the end of the record's step\nstep = 40",
        "[[test.expect]]\nstep = 38",
    );
    let path = dir.path().join("x.toml");
    std::fs::write(&path, &text).unwrap();
    let line = text.lines().position(|l| l == "step = 38").unwrap() + 2; // the score line after it
    let out = pointsim().arg("test").arg(&path).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("FAIL  a wrongful record is reversed when the appeal is won"), "{stdout}");
    assert!(stdout.contains(&format!("x.toml:{line}:9")), "no position of line {line}: {stdout}");
    assert!(stdout.contains("score at the end of day 39 (step 38) is 950, expected 1000"), "{stdout}");
    assert!(stdout.contains("history of the test subject (group citizen, kind citizen):"), "{stdout}");
    assert!(stdout.contains("test result: FAILED. 2 passed; 1 failed"), "{stdout}");
}

#[test]
fn bad_tests_are_all_reported_with_positions_and_exit_2() {
    let text = with_tests(
        r#"
[[test]]
name = "bad"
group = "nobody"
events = [
  { step = 40, rule = "fine" },
  { step = 1, rule = "fines" },
  { step = 1, rule = "fine", appeal = "won" },
  { step = 1, rule = "fine", count = 0 },
]
[[test.expect]]
step = 3
tier = "great"
perks = ["lone"]
[[test]]
name = "bad"
"#,
    );
    // the scenario itself loads (a run ignores its tests); the tests' problems are kept apart
    let loaded = parse(&text, "t.toml").expect("bad tests do not stop a run");
    assert!(loaded.tests.is_empty());
    let err = loaded.test_errors;
    let messages: Vec<String> = err.items().iter().map(|d| d.message.clone()).collect();
    let want = [
        "group `nobody` is not defined",
        "an event's `step` must be between 0 and 39, found `40`",
        "test `bad` has an event of rule `fines`, which is not defined",
        "an appeal against a record that is not wrongful",
        "rule `fine` has no appeals process",
        "`count` must be between 1 and 1000, found `0`",
        "tier `great` is not defined",
        "perk `lone` is not defined",
        "test `bad` is defined twice",
        "test `bad` expects nothing",
    ];
    for w in want {
        assert!(messages.iter().any(|m| m == w), "missing {w:?} in {messages:#?}");
    }
    assert!(err.items().iter().all(|d| d.span.is_some()), "every problem has a position");
    let hint = err.items().iter().find(|d| d.message.contains("`fines`")).and_then(|d| d.hint.clone());
    assert!(hint.is_some_and(|h| h.contains("did you mean `fine`?")));

    // the command line: exit 2, nothing run
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, &text).unwrap();
    let out = pointsim().arg("test").arg(&path).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("bad.toml:") && stderr.contains("10 errors"), "{stderr}");
}

#[test]
fn tests_beside_the_scenario_and_extra_files_run_too() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("city.toml");
    std::fs::write(&scenario, BASE).unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let beside = "[[test]]\nname = \"one fine\"\nevents = [{ step = 0, rule = \"fine\" }]\n\
                  [[test.expect]]\nstep = 0\nscore = 70\n";
    std::fs::write(dir.path().join("tests/city.toml"), beside).unwrap();
    let extra = dir.path().join("more.toml");
    std::fs::write(&extra, beside.replace("one fine", "the same, again")).unwrap();
    let out = pointsim().arg("test").arg(&scenario).arg("--tests").arg(&extra).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("ok    one fine") && stdout.contains("ok    the same, again"), "{stdout}");
    // --name picks tests
    let out = pointsim()
        .arg("test")
        .arg(&scenario)
        .args(["--name", "again", "--tests"])
        .arg(&extra)
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("1 passed"));

    // a test file with an unknown key and a bad reference: exit 2, positioned in that file
    std::fs::write(
        dir.path().join("tests/city.toml"),
        "[[test]]\nname = \"x\"\nevent = []\n[[test.expect]]\nstep = 0\nlists = [\"low\", \"high\"]\n",
    )
    .unwrap();
    let out = pointsim().arg("test").arg(&scenario).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("tests/city.toml:3:1") && stderr.contains("list `high` is not defined"),
        "{stderr}"
    );
    // `check` reads the file beside the scenario too
    let out = pointsim().arg("check").arg(&scenario).assert().code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("list `high` is not defined"));
}

#[test]
fn a_scenario_without_tests_says_so() {
    // every reference scenario has tests now, so write one that has none
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("untested.toml");
    std::fs::write(&path, BASE).unwrap();
    let out = pointsim().arg("test").arg(&path).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("no rule tests"), "{stdout}");
}

#[test]
fn a_reform_that_removes_a_rule_its_base_tests_use_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let toy = std::fs::canonicalize(TOY).unwrap();
    let overlay = dir.path().join("abolish.toml");
    std::fs::write(
        &overlay,
        format!(
            "extends = {:?}\n[[rule]]\nid = \"sued_found_in_breach\"\nremove = true\n",
            toy.display().to_string()
        ),
    )
    .unwrap();
    pointsim()
        .arg("run")
        .arg(&overlay)
        .args(["--no-plots", "-q", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    // `test` and `check` say which inherited test no longer applies, and how to drop it
    for cmd in ["test", "check"] {
        let out = pointsim().arg(cmd).arg(&overlay).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.contains("`sued_found_in_breach`") && stderr.contains("remove = true"),
            "{cmd}: {stderr}"
        );
        assert!(stderr.contains("teaching_toy.toml:"), "{cmd}: the error points into the base: {stderr}");
    }
}

#[test]
fn defaults_and_empty_checks() {
    // with neither kind nor group, the subject is of the first kind, even when
    // another kind's group is listed first
    let text = r#"
[scenario]
name = "kinds"
steps = 5
[score]
start = 100
[population]
size = 100
[[kind]]
name = "citizen"
share = 0.5
[[kind]]
name = "company"
share = 0.5
start = 50
[[population.group]]
name = "firms"
kind = "company"
share = 1.0
[[population.group]]
name = "people"
kind = "citizen"
share = 1.0
[[test]]
name = "default subject"
[[test.expect]]
step = 0
score = 100
[[test]]
name = "checks nothing"
[[test.expect]]
step = 1
"#;
    let loaded = parse(text, "k.toml").unwrap();
    let msgs: Vec<&str> = loaded.test_errors.items().iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["this expectation checks nothing but its `step`"]);
    let fixed = text.replace("[[test.expect]]\nstep = 1\n", "[[test.expect]]\nstep = 1\nscore = 100\n");
    let loaded = parse(&fixed, "k.toml").unwrap();
    assert_eq!(loaded.scenario.groups[loaded.tests[0].group].name, "people");
    assert!(pointsim::ruletest::run(&loaded.scenario, &loaded.tests[0]).passed());
    // --name that matches nothing is an error, not a silent pass
    pointsim()
        .args(["test", DEBT_EXAMPLE, "--name", "no such test"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no rule test's name contains"));
}
