//! The adversarial site of issue 16 as a standalone server, for `bench/hostile.sh`: the same
//! endpoints as the end-to-end test (`tests/it/hostile_web/site.rs`), on 127.0.0.1.
//!
//! ```text
//! cargo run --release --example hostile_site -- PORT EXT_PORT EXPECTED.tsv
//! ```
//!
//! Writes one line per endpoint to `EXPECTED.tsv` (full URL, `broken` or `fine`, what it is),
//! then prints `ready` and serves until killed.

#[path = "../tests/it/hostile_web/site.rs"]
mod site;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, ext_port, expected] = args.as_slice() else {
        eprintln!("usage: hostile_site PORT EXT_PORT EXPECTED.tsv");
        std::process::exit(2);
    };
    let site = site::start(
        "127.0.0.1",
        port.parse().expect("PORT"),
        ext_port.parse().expect("EXT_PORT"),
        site::Scale::Full,
    )
    .await;
    let lines: String = site::ENDPOINTS
        .iter()
        .map(|(p, verdict, what)| {
            let url = match p.strip_prefix("ext:") {
                Some(p) => format!("{}{p}", site.external),
                None => format!("{}{}", site.home.trim_end_matches('/'), p),
            };
            let v = if *verdict == site::Verdict::Broken {
                "broken"
            } else {
                "fine"
            };
            format!("{url}\t{v}\t{what}\n")
        })
        .collect();
    std::fs::write(expected, lines).expect("write the expected verdicts");
    println!("ready {}", site.home);
    std::future::pending::<()>().await;
}
