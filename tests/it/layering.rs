//! Layering: every top-level module of the library imports only modules of lower layers.
//!
//! The layer table is the block between `<!-- layers -->` and `<!-- /layers -->` in
//! ARCHITECTURE.md (one line per layer, highest first: its number, then its modules); this test
//! reads it from there, so the document and the rule cannot disagree. It scans the library's own
//! code under `src/` (comments, string literals and `#[cfg(test)]` items left out) for every
//! path that names a top-level module (`crate::x`, `use crate::{x, y}`, `super::` climbing to
//! the crate root) and fails on an import of the same or a higher layer, naming the file, the
//! line and the import. A re-export of a lower module (`pub use crate::domain::Finding;`) is an
//! import of that lower module, so it is allowed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Module → layer, from ARCHITECTURE.md.
fn layer_table(doc: &str) -> BTreeMap<String, u32> {
    let start = doc
        .find("<!-- layers -->")
        .expect("ARCHITECTURE.md has a <!-- layers --> block");
    let end = doc[start..]
        .find("<!-- /layers -->")
        .expect("the layers block ends with <!-- /layers -->")
        + start;
    let mut table = BTreeMap::new();
    for line in doc[start..end].lines() {
        let mut words = line.split_whitespace();
        let Some(n) = words.next().and_then(|w| w.parse::<u32>().ok()) else {
            continue;
        };
        for m in words {
            assert!(
                table.insert(m.to_string(), n).is_none(),
                "ARCHITECTURE.md lists module `{m}` in two layers"
            );
        }
    }
    assert!(
        !table.is_empty(),
        "the layers block of ARCHITECTURE.md is empty"
    );
    table
}

/// The source with comments, string and char literals blanked (newlines kept, so line numbers
/// stay right).
fn strip_comments_and_strings(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let ident_before = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r'))) && !ident_before && {
            // A raw string: r"…", r#"…"#, br#"…"#.
            let mut j = i + if c == 'b' { 2 } else { 1 };
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            b.get(j) == Some(&'"')
        } {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                blank(&mut out, b[j]);
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if i < b.len() {
                    blank(&mut out, b[i]);
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{…}'.
            i += 2;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code with every `#[cfg(test)]` item blanked (its newlines kept).
fn strip_test_items(code: &str) -> String {
    let b: Vec<char> = code.chars().collect();
    let mut keep = vec![true; b.len()];
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + attr.len() <= b.len() {
        if b[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + attr.len();
        // Further attributes of the same item.
        loop {
            while j < b.len() && b[j].is_whitespace() {
                j += 1;
            }
            if b.get(j) == Some(&'#') {
                let mut depth = 0;
                while j < b.len() {
                    match b[j] {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                j += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
            } else {
                break;
            }
        }
        // The item: up to a `;` outside braces, or its closing brace (and a `;` right after).
        let mut depth = 0;
        while j < b.len() {
            match b[j] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        j += 1;
                        let mut k = j;
                        while k < b.len() && b[k].is_whitespace() {
                            k += 1;
                        }
                        if b.get(k) == Some(&';') {
                            j = k + 1;
                        }
                        break;
                    }
                }
                ';' if depth == 0 => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        for k in keep.iter_mut().take(j.min(b.len())).skip(start) {
            *k = false;
        }
        i = j;
    }
    b.iter()
        .zip(keep)
        .map(|(&c, k)| if k || c == '\n' { c } else { ' ' })
        .collect()
}

/// One path to a top-level module found in the code.
#[derive(Debug, PartialEq)]
struct Import {
    line: usize,
    module: String,
    text: String,
}

/// Every top-level module the code of module `module_path` (`["crawl", "render"]`) names.
fn imports(src: &str, module_path: &[String]) -> Vec<Import> {
    let code = strip_test_items(&strip_comments_and_strings(src));
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let text = line.trim().to_string();
        let mut push = |module: String| {
            if !module.is_empty() {
                found.push(Import {
                    line: n + 1,
                    module,
                    text: text.clone(),
                })
            }
        };
        let mut rest = line;
        while let Some(p) = rest.find("crate::") {
            let before = rest[..p].chars().last();
            let after = &rest[p + "crate::".len()..];
            rest = after;
            if matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            if after.starts_with('{') {
                // `crate::{a::X, b}`, perhaps over several lines: the first name of each
                // element at depth one.
                let start = code.lines().take(n).map(|l| l.len() + 1).sum::<usize>()
                    + (line.len() - after.len());
                let group = &code[start + 1..];
                let mut depth = 1;
                let mut expect_name = true;
                for (k, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        ',' if depth == 1 => expect_name = true,
                        c if expect_name && depth == 1 && !c.is_whitespace() => {
                            expect_name = false;
                            push(ident(&group[k..]));
                        }
                        _ => {}
                    }
                }
            } else {
                push(ident(after));
            }
        }
        // `super::` climbing out of the top-level module to the crate root.
        let mut rest = line;
        while let Some(p) = rest.find("super::") {
            let before = rest[..p].chars().last();
            let mut after = &rest[p..];
            rest = &rest[p + "super::".len()..];
            if matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut ups = 0;
            while let Some(a) = after.strip_prefix("super::") {
                ups += 1;
                after = a.trim_start();
            }
            if ups >= module_path.len() {
                push(ident(after));
            }
        }
    }
    found
}

/// `src/a.rs`, `src/a/mod.rs` → `["a"]`; `src/a/b.rs` → `["a", "b"]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The names of the crate root: its modules (`pub mod x;`) and what it re-exports under a
/// module's name (`pub use crawl::render;`, `pub use govpatrol_calendar as calendar;`), each
/// with the root module it is part of (`render` is `crawl`'s; an outside crate is its own).
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let code = strip_comments_and_strings(lib);
    let names: Vec<(String, String)> = code
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_end_matches(';');
            if let Some(m) = l.strip_prefix("pub mod ") {
                return Some((m.to_string(), m.to_string()));
            }
            l.strip_prefix("pub use ").map(|u| {
                let (path, name) = match u.split_once(" as ") {
                    Some((path, alias)) => (path, alias),
                    None => (u, u.rsplit("::").next().unwrap_or(u)),
                };
                let first = path.trim_start_matches("crate::").split("::").next();
                (name.to_string(), first.unwrap_or(name).to_string())
            })
        })
        .collect();
    let modules: Vec<String> = names
        .iter()
        .filter(|(n, of)| n == of)
        .map(|(n, _)| n.clone())
        .collect();
    names
        .into_iter()
        .map(|(n, of)| {
            let of = if modules.contains(&of) { of } else { n.clone() };
            (n, of)
        })
        .collect()
}

/// Every import against the layers; `part_of` maps a re-exported name to the module it is part
/// of (`render` → `crawl`: the crawl may name its own step by either path).
fn violations(
    root: &Path,
    table: &BTreeMap<String, u32>,
    part_of: &BTreeMap<String, String>,
) -> Vec<String> {
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue; // the crate root declares the modules; the binary drives them all
        }
        let path = module_path(rel);
        let me = &path[0];
        let Some(&mine) = table.get(me) else {
            bad.push(format!(
                "src/{}: module `{me}` is in no layer of ARCHITECTURE.md",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&f).unwrap();
        for i in imports(&text, &path) {
            if &i.module == me || part_of.get(&i.module) == Some(me) {
                continue;
            }
            match table.get(&i.module) {
                Some(&theirs) if theirs < mine => {}
                Some(&theirs) => bad.push(format!(
                    "src/{}:{}: `{me}` (layer {mine}) imports `{}` (layer {theirs}), which is not below it: {}",
                    rel.display(),
                    i.line,
                    i.module,
                    i.text
                )),
                None => bad.push(format!(
                    "src/{}:{}: `{me}` imports `{}`, which is in no layer of ARCHITECTURE.md: {}",
                    rel.display(),
                    i.line,
                    i.module,
                    i.text
                )),
            }
        }
    }
    bad
}

#[test]
fn every_module_imports_only_lower_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let table = layer_table(&doc);
    // The table names exactly the crate root's modules and re-exported modules.
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let part_of = root_names(&lib);
    let names: Vec<&String> = part_of.keys().collect();
    let listed: Vec<&String> = table.keys().collect();
    assert_eq!(
        listed, names,
        "the layers of ARCHITECTURE.md must list every module of src/lib.rs once"
    );
    let bad = violations(root, &table, &part_of);
    assert!(
        bad.is_empty(),
        "imports against the layers (a module may import only modules of lower layers; move \
         the shared item down, e.g. to `domain`, or the function up to the module that drives \
         it; see ARCHITECTURE.md, Layers):\n{}",
        bad.join("\n")
    );
}

/// The scanner finds what it must, so that the test above can fail.
#[test]
fn the_layering_scanner_sees_grouped_nested_and_climbing_imports_but_not_comments_or_tests() {
    let src = r##"
//! See [`crate::run`].
use crate::{config::Site, store::{self, Store}};
use crate::domain::Finding;
fn f() -> &'static str {
    let c = '{';
    let s = "crate::period";
    let r = r#"crate::report "quoted""#;
    let x = crate::score::score_site; // crate::wording
    /* crate::run */
    let y = super::super::checks::Finding::new;
    "}"
}
#[cfg(test)]
mod tests {
    use crate::run::crawl;
    fn g() { let _ = '}'; }
}
#[cfg(test)]
use crate::period::Period;
use crate::{
    extract::Link,
    transport,
};
"##;
    let found: Vec<(usize, String)> = imports(src, &["crawl".into(), "render".into()])
        .into_iter()
        .map(|i| (i.line, i.module))
        .collect();
    let want: Vec<(usize, String)> = [
        (3, "config"),
        (3, "store"),
        (4, "domain"),
        (9, "score"),
        (11, "checks"),
        (21, "extract"),
        (21, "transport"),
    ]
    .into_iter()
    .map(|(l, m)| (l, m.to_string()))
    .collect();
    assert_eq!(found, want);
    // The crate root's re-exports: which module each name is part of.
    let lib = "pub mod crawl;\npub mod store;\npub use crawl::render;\npub use govpatrol_calendar as calendar;\n";
    let part_of: Vec<(&str, &str)> = [
        ("calendar", "calendar"),
        ("crawl", "crawl"),
        ("render", "crawl"),
        ("store", "store"),
    ]
    .into_iter()
    .collect();
    let got = root_names(lib);
    let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(got, part_of);
    // One `super::` from src/crawl/render.rs stays inside crawl.
    assert!(imports(
        "use super::fetch::Fetcher;",
        &["crawl".into(), "render".into()]
    )
    .is_empty());
}

/// A module importing a higher layer is reported with its file, line and import.
#[test]
fn an_upward_import_is_reported_with_file_line_and_import() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/store.rs"),
        "//! The store.\n\nuse crate::domain::Finding;\nuse crate::checks::Severity;\n",
    )
    .unwrap();
    let table: BTreeMap<String, u32> = [("domain", 0), ("store", 3), ("checks", 5)]
        .into_iter()
        .map(|(m, n)| (m.to_string(), n))
        .collect();
    assert_eq!(
        violations(dir.path(), &table, &BTreeMap::new()),
        vec![
            "src/store.rs:4: `store` (layer 3) imports `checks` (layer 5), which is not below it: use crate::checks::Severity;"
                .to_string()
        ]
    );
}
