//! Mutated versions of a good file never make the reader panic (a fixed-seed, proptest-free fuzz).

use pointsim::scenario::parse;

/// Marsaglia's xorshift64: tiny, deterministic, good enough to pick bytes.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Parse and render; only a panic fails the test.
fn try_parse(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match parse(&text, "fuzz.toml") {
        Ok(loaded) => {
            loaded.warnings.render(false);
        }
        Err(d) => {
            d.render(false);
            d.render(true);
        }
    }
}

#[test]
fn mutated_files_never_panic() {
    let good = std::fs::read("tests/data/good.toml").unwrap();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0;
    // every truncation at a multiple of 7 bytes
    for end in (0..good.len()).step_by(7) {
        try_parse(&good[..end]);
        runs += 1;
    }
    // random byte flips, 1 to 8 per file
    let interesting = b"=[]{}\"'#.,\n-_0123456789aezAZ \t\\";
    for _ in 0..300 {
        let mut m = good.clone();
        for _ in 0..1 + rng.below(8) {
            let i = rng.below(m.len());
            m[i] =
                if rng.below(2) == 0 { interesting[rng.below(interesting.len())] } else { rng.next() as u8 };
        }
        try_parse(&m);
        runs += 1;
    }
    // whole lines deleted or duplicated
    let lines: Vec<&[u8]> = good.split_inclusive(|&b| b == b'\n').collect();
    for _ in 0..100 {
        let mut ls = lines.clone();
        let i = rng.below(ls.len());
        if rng.below(2) == 0 {
            ls.remove(i);
        } else {
            ls.insert(rng.below(ls.len()), lines[i]);
        }
        try_parse(&ls.concat());
        runs += 1;
    }
    assert!(runs > 400);
}

/// The fuzz target: files of the corpus, mutated by proptest, never make
/// the reader, the validator, the budget or a tiny run panic, and reading
/// the same text twice gives the same result.
///
/// The corpus is the repository's own scenario files: every reference
/// scenario and overlay, every malformed file of `tests/data/bad/` and
/// `tests/data/good.toml`; mutations flip bytes, delete, duplicate or swap
/// lines, splice in a line of another corpus file, and replace a number
/// with a boundary value. CI runs 64 cases; a longer run is
///
/// ```text
/// PROPTEST_CASES=20000 cargo test --release --test main fuzz_input::
/// ```
///
/// A failing case is shrunk and saved in `tests/fuzz_input.proptest-regressions`,
/// which is committed and replayed first on every later run.
mod target {
    use proptest::prelude::*;

    use crate::common::repo;

    fn corpus() -> Vec<String> {
        let mut files = vec![repo("tests/data/good.toml")];
        for dir in ["scenarios", "scenarios/overlays", "tests/data/bad", "examples/scenarios"] {
            let mut here: Vec<_> = std::fs::read_dir(repo(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            here.sort();
            files.extend(here);
        }
        files.iter().map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned()).collect()
    }

    /// Numbers at the edges of what the format accepts, and just past them.
    const BOUNDARIES: [&str; 12] = [
        "0",
        "-1",
        "1",
        "4294967295",
        "4294967296",
        "9007199254740992",
        "9007199254740993",
        "-9223372036854775808",
        "1e9",
        "1e300",
        "nan",
        "0.000000001",
    ];

    #[derive(Debug, Clone)]
    enum Mutation {
        Flip(usize, u8),
        DeleteLine(usize),
        DuplicateLine(usize, usize),
        SwapLines(usize, usize),
        Splice(usize, usize, usize),
        Boundary(usize, usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
            any::<usize>().prop_map(Mutation::DeleteLine),
            (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::DuplicateLine(i, j)),
            (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
            (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(f, i, j)| Mutation::Splice(f, i, j)),
            (any::<usize>(), 0..BOUNDARIES.len()).prop_map(|(i, k)| Mutation::Boundary(i, k)),
        ]
    }

    fn apply(corpus: &[String], text: &str, m: &Mutation) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match *m {
            Mutation::Flip(i, b) => {
                let mut bytes = text.as_bytes().to_vec();
                if !bytes.is_empty() {
                    let i = i % bytes.len();
                    bytes[i] = b;
                }
                return String::from_utf8_lossy(&bytes).into_owned();
            }
            Mutation::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i, j) => {
                let line = lines[i % n].clone();
                lines.insert(j % (n + 1), line);
            }
            Mutation::SwapLines(i, j) => lines.swap(i % n, j % n),
            Mutation::Splice(f, i, j) => {
                let other: Vec<&str> = corpus[f % corpus.len()].lines().collect();
                if !other.is_empty() {
                    lines.insert(j % (n + 1), other[i % other.len()].to_owned());
                }
            }
            Mutation::Boundary(i, k) => {
                // the first number on the line, if any, becomes a boundary value
                let line = &mut lines[i % n];
                if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                    let end =
                        line[start..].find(|c: char| !c.is_ascii_digit()).map_or(line.len(), |e| start + e);
                    line.replace_range(start..end, BOUNDARIES[k]);
                }
            }
        }
        lines.join("\n")
    }

    /// Read, validate, check the budget and, if valid, run a few subjects for a
    /// few steps; return the rendered diagnostics (or `ok`), for the determinism check.
    fn exercise(text: &str) -> String {
        match pointsim::scenario::parse(text, "fuzz.toml") {
            Err(d) => d.render(false),
            Ok(loaded) => {
                let mut s = loaded.scenario;
                let _ = pointsim::budget::check(&pointsim::budget::Job::run(&s, 1), None, None, false);
                s.population = s.population.min(5);
                s.steps = s.steps.min(3);
                if pointsim::budget::check(&pointsim::budget::Job::run(&s, 1), None, None, false).is_empty() {
                    let sim = pointsim::simulate(&s, s.seed, &|_| {});
                    assert_eq!(sim.output.final_scores.len() as u64, s.population);
                }
                "ok".to_owned()
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
            ..ProptestConfig::default()
        })]
        #[test]
        fn mutated_corpus_files_never_panic(file in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..6)) {
            let corpus = corpus();
            let mut text = corpus[file % corpus.len()].clone();
            for m in &mutations {
                text = apply(&corpus, &text, m);
            }
            let first = exercise(&text);
            prop_assert_eq!(first, exercise(&text), "reading the same text twice differs");
        }
    }
}
