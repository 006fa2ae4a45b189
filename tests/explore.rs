//! `pointsim explore`: the real binary on an ephemeral port, asked over HTTP.
//!
//! The client here is a few lines over `TcpStream` on purpose: it must be
//! able to send a wrong `Host` header, which HTTP client crates fill in.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

use crate::common::{TOY, pointsim, read, repo};

/// A running `pointsim explore`, stopped when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    /// The rest of the address it printed (`/`, or `/?set=...`).
    page: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `pointsim explore ARGS --no-open --port 0` in the repository and read its first line.
fn start(args: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("pointsim"))
        .arg("explore")
        .args(args)
        .args(["--no-open", "--port", "0", "--jobs", "2"])
        .current_dir(repo(""))
        .env("NO_COLOR", "1")
        .env_remove("SLURM_CPUS_PER_TASK")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let (addr, page) = line
        .trim()
        .strip_prefix("explore: http://")
        .and_then(|r| r.split_once('/'))
        .unwrap_or_else(|| panic!("first line is {line:?}"));
    Server { child, addr: addr.to_owned(), page: format!("/{page}") }
}

/// A response: status, headers (lowercase names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `error` text of a `{ "error": ... }` answer.
    fn error(&self) -> String {
        self.json()["error"].as_str().unwrap().to_owned()
    }
}

impl Server {
    fn get(&self, target: &str) -> Reply {
        self.get_as(target, Some(&self.addr.clone()))
    }

    /// GET `target` with this `Host` header (none when `None`).
    fn get_as(&self, target: &str, host: Option<&str>) -> Reply {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
        write!(s, "GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n").unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        let body = if chunked { dechunk(body) } else { body.to_owned() };
        Reply { status, headers, body }
    }
}

/// The body of a `Transfer-Encoding: chunked` reply (large ones are sent so).
fn dechunk(mut raw: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = raw.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        raw = &rest[n + 2..];
    }
    out
}

/// compare.json without the fields that name the command.
fn numbers(mut doc: serde_json::Value) -> serde_json::Value {
    doc.as_object_mut().unwrap().remove("command");
    doc
}

/// `pointsim compare TOY ARGS` run in the repository; its compare.json.
fn cli_compare(args: &[&str]) -> serde_json::Value {
    let out = TempDir::new().unwrap();
    pointsim()
        .current_dir(repo(""))
        .args(["compare", TOY])
        .args(args)
        .arg("--out")
        .arg(out.path())
        .args(["--force", "-q", "--no-plots"])
        .assert()
        .success();
    serde_json::from_str(&read(&out.path().join("compare.json"))).unwrap()
}

/// `pointsim compare TOY ARGS`'s message on stderr when it refuses them.
fn cli_refusal(args: &[&str]) -> String {
    let out = TempDir::new().unwrap();
    let a = pointsim()
        .current_dir(repo(""))
        .args(["compare", TOY])
        .args(args)
        .arg("--out")
        .arg(out.path())
        .args(["-q", "--no-plots"])
        .assert()
        .code(2);
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn api_compare_is_the_clis_compare_json() {
    let server = start(&[TOY]);
    let reply = server.get(
        "/api/compare?set=rule.volunteer_service.points%3D10&set=tier.A.min=990&population=3000&seed=9&replicates=3",
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let api = reply.json();
    let cli = cli_compare(&[
        "--set",
        "rule.volunteer_service.points=10",
        "--set",
        "tier.A.min=990",
        "--population",
        "3000",
        "--seed",
        "9",
        "--replicates",
        "3",
    ]);
    assert_eq!(numbers(api.clone()), numbers(cli));
    // the command it names is the one that gives these numbers
    let argv: Vec<&str> =
        api["command"]["argv"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        argv.join(" "),
        format!(
            "pointsim compare {TOY} --set rule.volunteer_service.points=10 --set tier.A.min=990 --seed 9 \
             --population 3000 --replicates 3"
        )
    );
    // without parameters: compare's defaults (10 replicates), the base against itself
    let plain = server.get("/api/compare");
    assert_eq!(plain.status, 200);
    assert_eq!(numbers(plain.json()), numbers(cli_compare(&[TOY])));
}

#[test]
fn bad_values_get_the_set_message_and_the_server_goes_on() {
    let server = start(&[TOY]);
    for set in [
        "rule.nope.points=10",
        "rule.volunteer_service.rate=-1",
        "tier.A.min",
        "rule.volunteer_service.points=1.5",
    ] {
        let reply = server.get(&format!("/api/compare?set={set}&replicates=2"));
        assert_eq!(reply.status, 400, "{set}: {}", reply.body);
        assert_eq!(reply.error(), cli_refusal(&["--set", set, "--replicates", "2"]), "{set}");
    }
    let reply = server.get("/api/compare?replicates=0");
    assert_eq!(reply.status, 400);
    assert!(reply.error().contains("not in 1..=10000"), "{}", reply.error());
    let reply = server.get("/api/compare?colour=red");
    assert_eq!(reply.status, 400);
    assert!(reply.error().contains("unknown parameter `colour`"));
    // still serving, with the right numbers
    let reply = server.get("/api/compare?set=rule.traffic_ticket.points=-3&replicates=2");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        numbers(reply.json()),
        numbers(cli_compare(&["--set", "rule.traffic_ticket.points=-3", "--replicates", "2"]))
    );
}

#[test]
fn only_the_served_address_is_answered() {
    let server = start(&[TOY]);
    let port = server.addr.rsplit_once(':').unwrap().1.to_owned();
    for host in [Some(format!("rebind.example:{port}")), Some("127.0.0.1:1".into()), None] {
        let reply = server.get_as("/api/scenario", host.as_deref());
        assert_eq!(reply.status, 403, "{host:?}");
        assert!(reply.error().contains("`Host`"));
    }
    assert_eq!(server.get_as("/", Some(&format!("localhost:{port}"))).status, 200);
    assert_eq!(server.get("/api/scenario").status, 200);
}

#[test]
fn the_page_is_served_from_the_binary() {
    let server = start(&[TOY]);
    let page = server.get("/?set=rule.volunteer_service.points=10");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.body.contains(r#"<script src="/explore.js" defer></script>"#));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
    for asset in ["/explore.js", "/explore.css"] {
        let a = server.get(asset);
        assert_eq!(a.status, 200, "{asset}");
        // the SVG namespace is a name, not an address that is fetched
        let body = a.body.replace("'http://www.w3.org/2000/svg'", "");
        assert!(!body.contains("http://") && !body.contains("https://"), "{asset} reaches the network");
    }
    assert_eq!(server.get("/nothing").status, 404);
    // the controls: every rule's points and rate, every tier's threshold, the run's options
    let s = server.get("/api/scenario").json();
    let paths: Vec<&str> =
        s["controls"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    for p in ["rule.volunteer_service.points", "rule.sued_found_in_breach.rate", "tier.AA.min", "tier.C.min"]
    {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    assert!(paths.ends_with(&["population", "steps", "seed"]));
    assert_eq!(s["controls"][1]["value"], "0.6");
}

/// "Download overlay" names its base by file name only: saved where its
/// comment says (next to that file), it runs wherever the folder is moved,
/// and gives the API's reform.
#[test]
fn the_overlay_saved_where_it_says_runs_anywhere_and_gives_the_same_reform() {
    let dir = TempDir::new().unwrap();
    let (first, moved) = (dir.path().join("class"), dir.path().join("elsewhere"));
    std::fs::create_dir(&first).unwrap();
    std::fs::copy(repo(TOY), first.join("teaching_toy.toml")).unwrap();
    let copy = first.join("teaching_toy.toml");
    let server = start(&[copy.to_str().unwrap()]);
    let query = "set=rule.volunteer_service.points=10&set=tier.AA.min=1020&population=3000&replicates=1";
    let reply = server.get(&format!("/api/overlay?{query}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let name = "teaching_toy-explore.toml";
    assert_eq!(
        reply.header("content-disposition"),
        Some(format!("attachment; filename=\"{name}\"").as_str())
    );
    assert!(reply.body.contains("\nextends = \"teaching_toy.toml\"\n"), "{}", reply.body);
    assert!(reply.body.contains(&format!("# Save this file as `{name}` next to `teaching_toy.toml`")));
    let page = server.get("/api/scenario").json();
    assert_eq!(page["overlay_name"], name);
    // saved as it says, then the folder moves: nothing names where it was
    std::fs::write(first.join(name), &reply.body).unwrap();
    std::fs::rename(&first, &moved).unwrap();
    let file = moved.join(name);
    let api = server.get(&format!("/api/compare?{query}")).json();
    let seed = api["seeds"][0].as_u64().unwrap().to_string();
    let out = dir.path().join("run");
    pointsim()
        .arg("run")
        .arg(&file)
        .arg("--seed")
        .arg(&seed)
        .arg("--out")
        .arg(&out)
        .args(["-q", "--no-plots"])
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let shares = summary["final"]["tier_share"].as_object().unwrap();
    assert_eq!(shares.len(), 4);
    for (tier, share) in shares {
        let m = api["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == format!("tier_share.{tier}"))
            .unwrap();
        assert_eq!(&m["reform_mean"], share, "tier {tier}");
    }
    // compared with its base, the overlay gives the page's numbers
    let cli = cli_compare(&[file.to_str().unwrap(), "--population", "3000", "--replicates", "1"]);
    assert_eq!(api["metrics"], cli["metrics"]);
    assert_eq!(api["transitions"], cli["transitions"]);
}

/// The page's four-fifths ratios are summary.json's rule, computed by the
/// server: with one replicate the base's are those of `pointsim run` with
/// the replicate's seed, flags and intervals included.
#[test]
fn api_explore_gives_the_four_fifths_ratios_of_summary_json() {
    let scenario = "scenarios/fairness_delayed_impact.toml";
    let server = start(&[scenario]);
    let doc =
        server.get("/api/explore?set=perk.heating_discount.min_tier=AA&population=5000&replicates=1").json();
    let seed = doc["compare"]["seeds"][0].as_u64().unwrap().to_string();
    let out = TempDir::new().unwrap();
    pointsim()
        .current_dir(repo(""))
        .args(["run", scenario, "--population", "5000", "--seed", &seed, "--out"])
        .arg(out.path().join("r"))
        .args(["-q", "--no-plots"])
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_str(&read(&out.path().join("r/summary.json"))).unwrap();
    let f = &doc["fairness"];
    assert_eq!(f["rule"]["threshold"], 0.8);
    assert_eq!(f["rule"]["min_subjects"], 20);
    let items = f["items"].as_array().unwrap();
    assert_eq!(items.len(), summary["disparity"].as_object().unwrap().len());
    let mut flagged = 0;
    for item in items {
        let want = &summary["disparity"][item["id"].as_str().unwrap()];
        for g in item["by_group"].as_array().unwrap() {
            let (name, b) = (g["group"].as_str().unwrap(), &g["base"]);
            assert_eq!(b["ratio"], want["ratio"][name], "{} {name}", item["id"]);
            assert_eq!(
                serde_json::json!([b["low"], b["high"]]),
                want["interval"][name],
                "{} {name}",
                item["id"]
            );
            let listed = want["flagged"].as_array().unwrap().iter().any(|x| x == name);
            assert_eq!(b["flagged"].as_bool().unwrap(), listed, "{} {name}", item["id"]);
            flagged += usize::from(listed);
        }
    }
    assert!(flagged > 0, "the scenario flags some group, so the flags are tested");
    // the reform's threshold moved: its ratio for that perk moves too
    let heating = items.iter().find(|i| i["id"] == "heating_discount").unwrap();
    let precarious = &heating["by_group"][1];
    assert_eq!(precarious["group"], "precarious");
    assert_ne!(precarious["base"]["ratio"], precarious["reform"]["ratio"]);
    // a scenario without groups has nothing to compare
    let toy = start(&[TOY]).get("/api/explore?population=500&replicates=1").json();
    assert_eq!(toy["fairness"]["items"], serde_json::json!([]));
}

/// The CJK font of the charts is served from the binary, cacheable, and the
/// page's style uses it for Chinese text.
#[test]
fn the_cjk_font_is_served_from_the_binary() {
    let server = start(&[TOY, "--lang", "zh-CN"]);
    let font = "/fonts/NotoSansCJKsc-Regular-GB2312.otf";
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(s, "GET {font} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let head = String::from_utf8_lossy(&raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()])
        .to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: font/otf"), "{head}");
    assert!(head.contains("cache-control: public, max-age="), "{head}");
    // the whole font came (it starts as an OpenType CFF font does)
    assert!(raw.len() > 1_500_000 && raw.windows(4).any(|w| w == b"OTTO"));
    assert!(server.get(&format!("{font}x")).status == 404);
    let css = server.get("/explore.css").body;
    assert!(
        css.contains(&format!("src: url({font})")) && css.contains("font-family: \"pointsim CJK\""),
        "{css}"
    );
    let csp = server.get("/").header("content-security-policy").unwrap().to_owned();
    assert!(csp.contains("font-src 'self'"), "{csp}");
}

#[test]
fn limits_and_files_outside_the_chain_are_refused() {
    let server = start(&[TOY, "--max-population", "2500"]);
    let reply = server.get("/api/compare?population=3000");
    assert_eq!(reply.status, 400);
    assert!(reply.error().contains("above the interactive limit of 2500"), "{}", reply.error());
    assert!(reply.error().contains("--max-population 3000"));
    let reply = server.get("/api/compare?set=extends=%22/etc/passwd%22");
    assert_eq!(reply.status, 400);
    assert!(reply.error().contains("`extends` cannot be changed here"), "{}", reply.error());
    assert_eq!(server.get("/api/compare?population=2500&replicates=1").status, 200);
}

#[test]
fn starting_values_are_in_the_first_address() {
    let server = start(&[TOY]);
    assert_eq!(server.page, "/");
    let server = start(&[TOY, "--set", "tier.A.min=990", "--population", "3000"]);
    assert_eq!(server.page, "/?set=tier.A.min%3D990&population=3000&replicates=5");
    let api = server.get(&server.page.replacen("/?", "/api/compare?", 1));
    assert_eq!(api.status, 200, "{}", api.body);
    // a bad starting value stops it before it serves, with the --set message
    let a = pointsim()
        .current_dir(repo(""))
        .args(["explore", TOY, "--no-open", "--set", "rule.nope.points=1"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr, cli_refusal(&["--set", "rule.nope.points=1"]));
}

#[test]
fn export_writes_one_page_with_the_clis_numbers() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("page.html");
    let set = ["--set", "rule.volunteer_service.points=10", "--population", "3000"];
    pointsim()
        .current_dir(repo(""))
        .args(["explore", TOY])
        .args(set)
        .args(["-r", "2", "--export"])
        .arg(&file)
        .assert()
        .success();
    let html = read(&file);
    let open = r#"<script type="application/json" id="explore-data">"#;
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    let cli = cli_compare(&[set.as_slice(), &["--replicates", "2"]].concat());
    assert_eq!(numbers(data["compare"].clone()), numbers(cli));
    assert_eq!(data["query"], "set=rule.volunteer_service.points%3D10&population=3000&replicates=2");
    assert!(data["overlay"].as_str().unwrap().contains("points = 10"));
    // the teaching toy's grid: every point precomputed, each what `compare --set` gives for it
    let grid = &data["grid"];
    assert_eq!(grid["axes"][0]["path"], "rule.volunteer_service.points");
    assert_eq!(grid["axes"][0]["values"].as_array().unwrap().len(), 21);
    assert_eq!(grid["axes"][1]["path"], "tier.A.min");
    assert_eq!(grid["axes"][1]["values"], serde_json::json!(["900", "930", "960", "990", "1020"]));
    assert_eq!(grid["cells"].as_object().unwrap().len(), 105);
    let cell = &grid["cells"]["7|990"];
    let cli = cli_compare(&[
        "--set",
        "rule.volunteer_service.points=7",
        "--set",
        "tier.A.min=990",
        "--population",
        "3000",
        "--replicates",
        "2",
    ]);
    assert_eq!(numbers(cell["compare"].clone()), numbers(cli));
    let steps = cell["timeline"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 53, "weekly snapshots 0..=52");
    // nothing to fetch: style and script are inline
    for fetched in [r#"src=""#, r#"href="/"#] {
        assert!(!html.contains(fetched), "{fetched}");
    }
    // an English page does not carry the CJK font
    assert!(!html.contains(";base64,"));
}

/// A Chinese export carries the CJK font inline: from `file://` there is no server to ask.
#[test]
fn a_chinese_export_carries_its_font() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("page.html");
    pointsim()
        .current_dir(repo(""))
        .args(["explore", "scenarios/fairness_delayed_impact.toml", "--lang", "zh-CN", "--population", "500"])
        .args(["-r", "1", "--export"])
        .arg(&file)
        .assert()
        .success();
    let html = read(&file);
    // base64 of an OpenType CFF font's first bytes, `OTTO`
    assert!(html.contains("src: url(data:font/otf;base64,T1RUTw"), "the font is not inline");
    assert!(!html.contains("url(/fonts/"));
    assert!(html.contains("\"fairness\":{"), "the four-fifths ratios are in the page's data");
}

#[test]
fn the_page_speaks_the_language_asked_for() {
    let en = start(&[TOY]).get("/api/scenario").json();
    assert_eq!(en["lang"], "en");
    assert_eq!(en["strings"]["copy"], "Copy command");
    let zh = start(&[TOY, "--lang", "zh-CN"]).get("/api/scenario").json();
    assert_eq!(zh["lang"], "zh-CN");
    assert_eq!(zh["strings"]["copy"], "复制命令");
    // the scenario's own words stay as written
    assert_eq!(zh["name"], en["name"]);
}

/// `[explore]` chooses the controls, their order, ranges, steps and sentences;
/// the `[[lesson]]` steps come along, and each step's change is one the
/// server accepts.
#[test]
fn the_scenario_s_explore_table_and_lesson_reach_the_page() {
    let server = start(&["scenarios/rongcheng.toml"]);
    let s = server.get("/api/scenario").json();
    assert_eq!(s["chosen"], true);
    let controls = s["controls"].as_array().unwrap();
    let paths: Vec<&str> = controls.iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 10, "{paths:?}");
    assert_eq!(&paths[..2], ["rule.volunteer_service.points", "rule.volunteer_service.rate"]);
    assert_eq!(paths.last(), Some(&"seed"));
    let v = &controls[0];
    assert_eq!(
        (v["min"].as_str(), v["max"].as_str(), v["step"].as_str()),
        (Some("0"), Some("30"), Some("1"))
    );
    assert_eq!(v["sentence"], "Each volunteer service earns {value} points");
    assert_eq!(controls[1]["step"], "0.1");
    assert_eq!(controls[9]["sentence"], serde_json::Value::Null, "seed keeps the page's label");
    assert_eq!(s["lessons"].as_array().unwrap().len(), 0);

    let toy = start(&[TOY]);
    let s = toy.get("/api/scenario").json();
    assert_eq!(s["chosen"], false, "no [explore]: every control");
    let lessons = s["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 5);
    assert_eq!(lessons[0]["title"], "What the score is");
    assert_eq!(lessons[0]["set"].as_array().unwrap().len(), 0);
    for l in &lessons[1..] {
        let set = l["set"][0].as_str().unwrap();
        let reply = toy.get(&format!("/api/compare?set={set}&population=300&replicates=1"));
        assert_eq!(reply.status, 200, "{set}: {}", reply.body);
    }
}

/// A newer request stops the comparison that is running: the older answers
/// `409` (stopped while it ran, not only overtaken while waiting), and the
/// newer gives the command line's numbers.
#[test]
fn a_newer_request_stops_the_running_one() {
    let server = start(&[TOY]);
    // run to the end, this would be 2 × 10,000 runs of 200,000 people: hours
    let slow = "/api/compare?population=200000&replicates=10000";
    std::thread::scope(|scope| {
        let old = scope.spawn(|| server.get(slow));
        // wait until it runs (a poll, not a timed sleep)
        while server.get("/api/status").json()["computing"] != true {
            std::thread::yield_now();
        }
        assert_eq!(server.get("/api/status").json()["requests"], 1);
        let new = server.get("/api/compare?set=rule.volunteer_service.points=10&replicates=2");
        let old = old.join().unwrap();
        assert_eq!(old.status, 409, "{}", old.body);
        assert_eq!(old.error(), "error: superseded by a newer request while it ran\n");
        assert_eq!(new.status, 200, "{}", new.body);
        let cli = cli_compare(&["--set", "rule.volunteer_service.points=10", "--replicates", "2"]);
        assert_eq!(numbers(new.json()), numbers(cli));
    });
    assert_eq!(server.get("/api/status").json()["computing"], false);
}

/// `/api/explore` is compare.json plus both sides at every snapshot, whose
/// last values are compare.json's means.
#[test]
fn api_explore_adds_the_story_over_time() {
    let server = start(&[TOY]);
    let q = "set=rule.volunteer_service.points=10&population=500&replicates=2";
    let reply = server.get(&format!("/api/explore?{q}"));
    // how long it computed, for the page's latency split (its value is not tested)
    assert!(
        reply.header("server-timing").is_some_and(|t| t.starts_with("compute;dur=")),
        "{:?}",
        reply.headers
    );
    let doc = reply.json();
    assert_eq!(doc["compare"], server.get(&format!("/api/compare?{q}")).json());
    let t = &doc["timeline"];
    let steps = t["steps"].as_array().unwrap();
    assert_eq!((steps.first().unwrap(), steps.last().unwrap()), (&0.into(), &52.into()));
    let series = t["series"].as_array().unwrap();
    assert_eq!(series[0]["name"], "score.mean");
    for s in series {
        let m =
            doc["compare"]["metrics"].as_array().unwrap().iter().find(|m| m["name"] == s["name"]).unwrap();
        assert_eq!(s["base"].as_array().unwrap().len(), steps.len());
        assert_eq!(s["base"].as_array().unwrap().last(), Some(&m["base_mean"]), "{}", s["name"]);
        assert_eq!(s["reform"].as_array().unwrap().last(), Some(&m["reform_mean"]), "{}", s["name"]);
    }
    // the series come in compare.json's order (tiers highest first), so the page's two tables agree
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_owned()).collect()
    };
    let metrics: Vec<String> =
        names(&doc["compare"]["metrics"]).into_iter().filter(|n| names(&t["series"]).contains(n)).collect();
    assert_eq!(names(&t["series"]), metrics);
    assert_eq!(names(&t["series"])[1], "tier_share.AA");
}

/// Perks, restrictions and lists have controls; a list duration set on the
/// page gives `compare --set`'s numbers, and a bad one its refusal.
#[test]
fn thresholds_and_list_durations_are_controls() {
    const NB: &str = "scenarios/national_blacklist.toml";
    let server = start(&[NB, "--max-population", "300000"]);
    let s = server.get("/api/scenario").json();
    let controls = s["controls"].as_array().unwrap();
    let find = |p: &str| controls.iter().find(|c| c["path"] == p).unwrap_or_else(|| panic!("no {p}"));
    // the lists are named for the page's labels of their `list_share.<id>` rows
    let lists = s["lists"].as_array().unwrap();
    assert!(
        lists.iter().any(|l| l["id"] == "no_fly" && l["label"].as_str().is_some_and(|t| !t.is_empty())),
        "{lists:?}"
    );
    let d = find("list.no_fly.duration");
    assert_eq!((d["section"].as_str(), d["value"].as_str()), (Some("lists"), Some("365")));
    assert!(
        controls.iter().all(|c| c["path"] != "list.defaulter_refuses.duration"),
        "no duration: no control"
    );
    let toy = start(&[TOY]);
    let t = toy.get("/api/scenario").json();
    let r =
        t["controls"].as_array().unwrap().iter().find(|c| c["section"] == "restrictions").unwrap().clone();
    assert_eq!(r["path"], "restriction.warning_interview.max_tier");
    assert_eq!(r["value"], "B");
    assert!(r["choices"].as_array().unwrap().iter().any(|n| n == "AA"), "{r}");

    let q = "set=list.no_fly.duration=30&population=200&steps=800&replicates=2";
    let reply = server.get(&format!("/api/compare?{q}"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let out = TempDir::new().unwrap();
    pointsim()
        .current_dir(repo(""))
        .args(["compare", NB, "--set", "list.no_fly.duration=30", "--population", "200", "--steps", "800"])
        .args(["--replicates", "2", "--out"])
        .arg(out.path())
        .args(["--force", "-q", "--no-plots"])
        .assert()
        .success();
    let cli: serde_json::Value = serde_json::from_str(&read(&out.path().join("compare.json"))).unwrap();
    assert_eq!(numbers(reply.json()), numbers(cli));

    let bad = "restriction.warning_interview.max_tier=AAAA";
    let reply = toy.get(&format!("/api/compare?set={bad}&replicates=2"));
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.error(), cli_refusal(&["--set", bad, "--replicates", "2"]));
}
