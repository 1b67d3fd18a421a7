use super::codec::{decode, encode, read_index, write_file};
use super::*;

/// Code with something in every part of a summary: facts, fns with calls, ops, guards
/// (a lock from the catalogue), runtime uses, pending guards and lock items.
const SOURCE: &str = r#"
use std::sync::Mutex;
struct Registry { state: Mutex<u32> }
type Shared = std::sync::RwLock<u32>;
#[path = "other.rs"] mod other;
fn guard(m: &Mutex<u32>) -> std::sync::MutexGuard<'_, u32> { m.lock().unwrap() }
fn load(path: Option<&str>, stall: bool) -> String {
    if let Some(p) = path { return std::fs::read_to_string(p).unwrap(); }
    if stall { std::thread::sleep(std::time::Duration::from_secs(1)); }
    String::new()
}
impl Registry {
    async fn run(&self) {
        let g = self.state.lock().unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        drop(g);
        let _ = load(None, false);
        std::fs::read("x").unwrap();
        let h = guard(&self.state);
        async {}.await;
        drop(h);
    }
}
#[tokio::main]
async fn main() { async_std::task::sleep(std::time::Duration::from_secs(1)).await; }
"#;

fn summary() -> FileSummary {
    crate::analysis::summarize("src/lib.rs", SOURCE, &Settings::default())
}

#[test]
fn a_summary_decodes_to_itself() {
    let summary = summary();
    assert!(summary.fns.iter().any(|f| !f.calls.is_empty()));
    assert!(summary.fns.iter().any(|f| !f.ops.is_empty()));
    assert!(summary.fns.iter().any(|f| f.returns_guard.is_some()));
    assert!(!summary.facts.is_empty());
    let bytes = encode(&summary).expect("encodes");
    let decoded = decode(&bytes).expect("decodes");
    assert_eq!(format!("{decoded:?}"), format!("{summary:?}"));
    // Trailing bytes are not a summary.
    let mut longer = bytes;
    longer.push(0);
    assert!(decode(&longer).is_none());
    // A file that does not parse: its parse error.
    let broken = crate::analysis::summarize("src/x.rs", "fn broken( {", &Settings::default());
    assert!(!broken.facts.is_empty());
    let decoded = decode(&encode(&broken).unwrap()).unwrap();
    assert_eq!(format!("{decoded:?}"), format!("{broken:?}"));
}

#[test]
fn the_key_changes_with_the_settings_and_the_text() {
    let settings = Settings::default();
    let key = Key::new(&settings, SOURCE);
    assert_eq!(key, Key::new(&settings.clone(), SOURCE));
    assert_ne!(key, Key::new(&settings, &SOURCE.replace("x", "y")));
    let mut other = settings.clone();
    other.set_level(crate::rules::Rule::BlockingFs, crate::Level::Deny);
    assert_ne!(key, Key::new(&other, SOURCE));
}

fn file() -> Vec<u8> {
    let bytes = encode(&summary()).unwrap();
    let key = Key::new(&Settings::default(), SOURCE);
    write_file(
        b"build",
        &[("src/lib.rs", key, &bytes), ("src/other.rs", key, &bytes)],
    )
}

#[test]
fn a_file_reads_back_for_its_build_only() {
    let file = file();
    let index = read_index(&file, b"build").expect("reads");
    assert_eq!(index.len(), 2);
    let entry = &index["src/lib.rs"];
    assert_eq!(entry.key, Key::new(&Settings::default(), SOURCE));
    assert!(decode(&file[entry.bytes.clone()]).is_some());
    assert!(read_index(&file, b"other build").is_none());
    assert!(read_index(&file, b"buil").is_none());
}

/// A damaged or hostile file: every truncation, every flipped byte, lengths and counts
/// far past its end. Nothing panics; nothing but the file itself is read.
#[test]
fn a_damaged_file_is_ignored_without_panicking() {
    let file = file();
    for end in 0..file.len() {
        assert!(read_index(&file[..end], b"build").is_none(), "cut at {end}");
    }
    for at in 0..file.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut bad = file.clone();
            bad[at] ^= flip;
            if let Some(index) = read_index(&bad, b"build") {
                // Only a name or a key can change unnoticed: the summary's bytes are
                // checked. Decoding them is total.
                for entry in index.values() {
                    assert_eq!(bad[entry.bytes.clone()], file[entry.bytes.clone()]);
                }
            }
        }
    }
    // Lengths and counts that ask for gigabytes.
    let mut huge = MAGIC.to_vec();
    huge.extend_from_slice(&5u32.to_le_bytes());
    huge.extend_from_slice(b"build");
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(read_index(&huge, b"build").is_none());
    huge.truncate(huge.len() - 4);
    huge.extend_from_slice(&1u32.to_le_bytes());
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(read_index(&huge, b"build").is_none());
}

/// The summary's own encoding is total too: any bytes decode to a summary or to nothing.
#[test]
fn damaged_summary_bytes_decode_to_nothing_or_a_summary() {
    let bytes = encode(&summary()).unwrap();
    for end in 0..bytes.len() {
        let _ = decode(&bytes[..end]);
    }
    for at in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[at] ^= 0xff;
        let _ = decode(&bad);
    }
    // A vector length of 2^63: refused before anything that size is reserved.
    let mut long = vec![0u8; 1];
    long.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    assert!(decode(&long).is_none());
    assert!(decode(&[0xff; 64]).is_none());
}

/// A cache in a folder: what one run puts, the next gets; another text or settings miss.
#[test]
fn a_saved_summary_is_read_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join(FOLDER);
    let settings = Settings::default();
    let key = Key::new(&settings, SOURCE);
    let cache = DiskCache::open(&folder).expect("this build is known");
    assert!(cache.get("src/lib.rs", key).is_none());
    cache.put("src/lib.rs", key, &summary());
    cache.save();
    assert!(folder.join(".gitignore").is_file());
    assert!(folder.join("CACHEDIR.TAG").is_file());
    let again = DiskCache::open(&folder).unwrap();
    let got = again.get("src/lib.rs", key).expect("kept");
    assert_eq!(format!("{got:?}"), format!("{:?}", summary()));
    assert!(again.get("src/other.rs", key).is_none());
    assert!(again.get("src/lib.rs", Key::new(&settings, "")).is_none());
    // An unwritable place: no cache, no error.
    let blocked = tmp.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let cache = DiskCache::open(&blocked.join("cache")).unwrap();
    cache.put("src/lib.rs", key, &summary());
    cache.save();
    assert!(!blocked.join("cache").exists());
}
