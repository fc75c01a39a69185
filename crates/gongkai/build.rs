//! Embeds the demo attachments (demo/attachments/*) so the binary needs no source tree.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("demo/attachments");
    println!("cargo:rerun-if-changed=demo/attachments");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from(
        "/// Demo attachments: (file name, bytes).\npub static DEMO_ATTACHMENTS: &[(&str, &[u8])] = &[\n",
    );
    // Paths relative to the crate, resolved when the generated file is compiled: a build
    // output reused for a checkout elsewhere (one target folder for several clones) still
    // names files that exist.
    for n in &names {
        let relative = format!("/demo/attachments/{n}");
        let _ = writeln!(
            out,
            "    ({n:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {relative:?}))),"
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("demo_attachments.rs");
    std::fs::write(dest, out).expect("write demo_attachments.rs");
}
