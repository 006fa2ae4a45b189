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
